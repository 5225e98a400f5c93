package service

import "outbound/process"

// Labelled is a code with the words people read for it.
type Labelled struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Rules is the process definition as the web UI needs it, so that it keeps no copy of its own.
type Rules struct {
	Stages            []Labelled        `json:"stages"`
	Roles             []Labelled        `json:"roles"`
	Actions           map[string]string `json:"actions"`
	DegreeLevels      []string          `json:"degreeLevels"`
	DefaultFormats    []string          `json:"defaultFormats"`
	PhotoFormats      []string          `json:"photoFormats"`
	DefaultMaxBytes   int64             `json:"defaultMaxBytes"`
	MaxOpinionRunes   int               `json:"maxOpinionRunes"`
	BasicInfoRequired []process.Field   `json:"basicInfoRequired"`
	ProfileRequired   []process.Field   `json:"profileRequired"`
}

// Rules describes the process new applications follow.
func (s *Service) Rules() Rules {
	r := Rules{
		Actions: map[string]string{}, DegreeLevels: process.DegreeLevels,
		DefaultFormats: process.DefaultFormats, PhotoFormats: process.PhotoFormats, DefaultMaxBytes: s.Config.Upload.MaxBytes,
		MaxOpinionRunes: process.MaxOpinionRunes, BasicInfoRequired: process.BasicInfoRequired, ProfileRequired: process.ProfileRequired,
	}
	for _, stage := range s.Process.Stages() {
		r.Stages = append(r.Stages, Labelled{Code: stage, Label: s.Process.StageLabel(stage)})
	}
	for _, role := range process.Roles {
		r.Roles = append(r.Roles, Labelled{Code: string(role), Label: process.RoleLabels[role]})
	}
	for a, label := range process.ActionLabels {
		r.Actions[string(a)] = label
	}
	return r
}
