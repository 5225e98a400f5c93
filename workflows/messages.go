package workflows

import "time"

// TaskQueue is where every application workflow runs.
const TaskQueue = "outbound"

// WorkflowName is the registered name of the application workflow.
const WorkflowName = "Application"

// Messages: each is an Update (validated, answered at once) and a Signal of the same name.
const (
	MsgSubmit             = "submit"
	MsgWithdraw           = "withdraw"
	MsgDelete             = "delete"
	MsgSupplement         = "supplement"
	MsgSubmitPredeparture = "submit-predeparture"
	MsgSubmitReturnReport = "submit-return-report"
	MsgDecide             = "decide"
)

// Messages lists every message name.
var Messages = []string{MsgSubmit, MsgWithdraw, MsgDelete, MsgSupplement, MsgSubmitPredeparture, MsgSubmitReturnReport, MsgDecide}

// QueryState is the query that returns a View.
const QueryState = "state"

// Decisions a reviewer can take.
const (
	DecisionApprove = "approve"
	DecisionReturn  = "return" // 退回: back to the student, editable
	DecisionReject  = "reject" // 不通过: the application ends
)

// Actor is who sends a message; the API fills it from the signed-in account.
type Actor struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Role    Role   `json:"role"`
	College string `json:"college,omitempty"`
}

// Request is the payload of every message; each message reads the fields it needs.
type Request struct {
	Actor Actor `json:"actor"`
	// Decision and Opinion for decide.
	Decision string `json:"decision,omitempty"`
	Opinion  string `json:"opinion,omitempty"`
	// Funding (资助情况) may accompany foreign affairs' approval at admission.
	Funding *Funding `json:"funding,omitempty"`
	// AttachmentIDs are the files a supplement adds.
	AttachmentIDs []int64 `json:"attachmentIds,omitempty"`
}

// Funding is 资助情况.
type Funding struct {
	Source string  `json:"source"`
	Amount float64 `json:"amount"`
	Note   string  `json:"note,omitempty"`
}

// Action is an entry of the manual's 操作 menu.
type Action string

const (
	ActionView               Action = "view"                 // 申请查看
	ActionEdit               Action = "edit"                 // 申请修改
	ActionDelete             Action = "delete"               // 申请删除
	ActionWithdraw           Action = "withdraw"             // 撤回修改
	ActionUploadPredeparture Action = "upload-predeparture"  // 上传行前材料
	ActionDeletePredeparture Action = "delete-predeparture"  // 行前材料删除
	ActionSupplement         Action = "supplement"           // 补交材料附件
	ActionSubmitReturnReport Action = "submit-return-report" // 返校总结提交
	ActionTrack              Action = "track"                // 进度跟踪
	ActionDecide             Action = "decide"               // 审核
)

// ActionLabels are the menu's words.
var ActionLabels = map[Action]string{
	ActionView:               "申请查看",
	ActionEdit:               "申请修改",
	ActionDelete:             "申请删除",
	ActionWithdraw:           "撤回修改",
	ActionUploadPredeparture: "上传行前材料",
	ActionDeletePredeparture: "行前材料删除",
	ActionSupplement:         "补交材料附件",
	ActionSubmitReturnReport: "返校总结提交",
	ActionTrack:              "进度跟踪",
	ActionDecide:             "审核",
}

// Event is one entry of the timeline.
type Event struct {
	Seq     int            `json:"seq"`
	Kind    string         `json:"kind"`
	Step    string         `json:"step"`
	Actor   Actor          `json:"actor"`
	Opinion string         `json:"opinion,omitempty"`
	Detail  map[string]any `json:"detail,omitempty"`
	At      time.Time      `json:"at"`
	Status  string         `json:"status"`
}

// Event kinds.
const (
	EventCreated    = "created"
	EventSubmitted  = "submitted"
	EventDecided    = "decided"
	EventWithdrawn  = "withdrawn"
	EventDeleted    = "deleted"
	EventSupplement = "supplemented"
	EventRefused    = "refused"
	EventReminder   = "reminder"
	EventOverdue    = "overdue"
	EventExpired    = "expired"
)

// View is what the state query returns.
type View struct {
	ApplicationID  int64             `json:"applicationId"`
	Phase          string            `json:"phase"`
	Stage          string            `json:"stage"`
	Status         string            `json:"status"`
	AwaitingRole   Role              `json:"awaitingRole,omitempty"`
	PendingStep    string            `json:"pendingStep,omitempty"`
	StageEnteredAt time.Time         `json:"stageEnteredAt"`
	DueAt          *time.Time        `json:"dueAt,omitempty"`
	Overdue        bool              `json:"overdue"`
	Closed         bool              `json:"closed"`
	ReturnDate     *time.Time        `json:"returnDate,omitempty"`
	DecideExcluded []int64           `json:"decideExcluded,omitempty"`
	Allowed        map[Role][]Action `json:"allowed"`
	Timeline       []Event           `json:"timeline"`
}
