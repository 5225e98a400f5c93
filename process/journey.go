package process

// What the definition shows people: the student's tracker, and the signature blocks of the printed
// forms.

// JourneyStep is a step of the student's tracker: the stages it covers, and whom it is for.
type JourneyStep struct {
	Label      string     `json:"label"`
	Stages     []string   `json:"stages"`
	Applicants Applicants `json:"applicants,omitempty"`
	Admission  Admission  `json:"admission,omitempty"`
	// Credits: the step is for applications to credit-bearing projects only.
	Credits bool `json:"credits,omitempty"`
}

// JourneyDone is the tracker's last step.
const JourneyDone = "完成"

// Journey is the whole tracker, in the order a student lives it.
func (d Definition) Journey() []JourneyStep {
	var out []JourneyStep
	for _, p := range d.Phases {
		if p.Journey != "" {
			stages := []string{p.EditableStage}
			for _, r := range p.Reviews {
				stages = append(stages, r.Stage)
			}
			out = append(out, JourneyStep{Label: p.Journey, Stages: stages, Credits: p.CreditBearing})
		} else {
			out = append(out, JourneyStep{Label: p.EditJourney, Stages: []string{p.EditableStage}})
			for _, r := range p.Reviews {
				label := r.Journey
				if label == "" {
					label = r.Label
				}
				out = append(out, JourneyStep{Label: label, Stages: []string{r.Stage}, Applicants: r.Applicants, Admission: r.Admission})
			}
		}
		if p.Milestone != "" {
			out = append(out, JourneyStep{Label: p.Milestone, Stages: []string{}})
		}
	}
	return append(out, JourneyStep{Label: JourneyDone, Stages: []string{StageCompleted}})
}

// Signature is a block of the printed 申请表 that an office signs: the review it signs for.
type Signature struct {
	Stage      string     `json:"stage"`
	Office     string     `json:"office"`
	Applicants Applicants `json:"applicants,omitempty"`
	Admission  Admission  `json:"admission,omitempty"`
}

// Signatures lists the application phase's signature blocks, in the order of review.
func (d Definition) Signatures() []Signature { return d.SignaturesOf(d.Phases[0].Name) }

// SignaturesOf lists a phase's signature blocks (its printed form's), in the order of review.
func (d Definition) SignaturesOf(phase string) []Signature {
	var out []Signature
	for _, p := range d.Phases {
		if p.Name != phase {
			continue
		}
		for _, r := range p.Reviews {
			if r.Office != "" {
				out = append(out, Signature{Stage: r.Stage, Office: r.Office, Applicants: r.Applicants, Admission: r.Admission})
			}
		}
	}
	return out
}
