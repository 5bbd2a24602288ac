package domain

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// TaskStream returns the stream name of task id.
func TaskStream(id string) string { return "task-" + id }

// TaskStatus is where a task stands.
type TaskStatus string

// Task statuses.
const (
	StatusOpen      TaskStatus = "open"
	StatusCompleted TaskStatus = "completed"
	StatusCancelled TaskStatus = "cancelled"
)

// TaskClass is one of the four classes the Government Office reports, or
// ClassNone for a cancelled task.
type TaskClass string

// The four task classes.
const (
	ClassCompletedOnTime TaskClass = "completed_on_time"
	ClassCompletedLate   TaskClass = "completed_late"
	ClassOpenInTime      TaskClass = "open_in_time"
	ClassOpenOverdue     TaskClass = "open_overdue"
	ClassNone            TaskClass = "none"
)

// Recurrence makes a task thường xuyên: a report due every month, quarter or
// year on DueDay (day of the month; for quarters and years, of the period's
// last month).
type Recurrence struct {
	Every  string `json:"every"` // monthly, quarterly, yearly
	DueDay int    `json:"due_day"`
}

// EvidenceRef points at a piece of evidence: a title, where to find it, and
// optionally the SHA-256 of its content.
type EvidenceRef struct {
	Title  string `json:"title"`
	Ref    string `json:"ref,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

// TaskAssigned: a document assigned a task to a lead unit.
type TaskAssigned struct {
	ID           string      `json:"id"`
	DocumentID   string      `json:"document_id"`
	Number       string      `json:"number,omitempty"`
	Title        string      `json:"title"`
	Area         string      `json:"area,omitempty"`
	Lead         string      `json:"lead"`
	Coordinating []string    `json:"coordinating,omitempty"`
	Deadline     Date        `json:"deadline"`
	Recurrence   *Recurrence `json:"recurrence,omitempty"`
}

// TaskProgressReported: the lead unit reported progress.
type TaskProgressReported struct {
	Percent     float64       `json:"percent"`
	Note        string        `json:"note,omitempty"`
	EffectiveOn Date          `json:"effective_on"`
	Evidence    []EvidenceRef `json:"evidence,omitempty"`
}

// TaskCompleted: the task was done on CompletedOn; its deadline clock stops.
type TaskCompleted struct {
	CompletedOn Date          `json:"completed_on"`
	Note        string        `json:"note,omitempty"`
	Evidence    []EvidenceRef `json:"evidence,omitempty"`
}

// TaskDeadlineExtended: the deadline moved from From to To, approved by
// ApprovedBy for Reason.
type TaskDeadlineExtended struct {
	From       Date   `json:"from"`
	To         Date   `json:"to"`
	ApprovedBy string `json:"approved_by"`
	Reason     string `json:"reason"`
	// RequestID names the extension request approved, if there was one.
	RequestID string `json:"request_id,omitempty"`
}

// TaskReopened: a completed or cancelled task is open again; its deadline
// clock restarts.
type TaskReopened struct {
	Reason string `json:"reason"`
}

// TaskCancelled: the task no longer needs doing; it leaves the four classes.
type TaskCancelled struct {
	Reason string `json:"reason"`
}

func (TaskAssigned) EventType() string         { return "task.assigned" }
func (TaskProgressReported) EventType() string { return "task.progress_reported" }
func (TaskCompleted) EventType() string        { return "task.completed" }
func (TaskDeadlineExtended) EventType() string { return "task.deadline_extended" }
func (TaskReopened) EventType() string         { return "task.reopened" }
func (TaskCancelled) EventType() string        { return "task.cancelled" }

// Extension is one deadline extension in a task's history.
type Extension struct {
	From       Date      `json:"from"`
	To         Date      `json:"to"`
	ApprovedBy string    `json:"approved_by"`
	Reason     string    `json:"reason"`
	RecordedAt time.Time `json:"recorded_at"`
}

// TaskState is a task as its events leave it.
type TaskState struct {
	ID           string        `json:"id"`
	DocumentID   string        `json:"document_id"`
	Number       string        `json:"number,omitempty"`
	Title        string        `json:"title"`
	Area         string        `json:"area,omitempty"`
	Lead         string        `json:"lead"`
	Coordinating []string      `json:"coordinating,omitempty"`
	Deadline     Date          `json:"deadline"`
	Recurrence   *Recurrence   `json:"recurrence,omitempty"`
	Status       TaskStatus    `json:"status"`
	CompletedOn  Date          `json:"completed_on"`
	Progress     float64       `json:"progress"`
	ProgressOn   Date          `json:"progress_on"`
	Extensions   []Extension   `json:"extensions,omitempty"`
	Evidence     []EvidenceRef `json:"evidence,omitempty"`
	// ExtensionRequests lists the unit's requests to move the deadline.
	ExtensionRequests []ExtensionRequest `json:"extension_requests,omitempty"`
}

// ClassOn returns the task's class as of the end of day d: completed on
// time when it was completed on or before its deadline, completed late when
// after, open in time while d is not past the deadline, open overdue after.
// A task completed after d is still open on d. A recurring task without a
// final deadline is open in time until completed. Cancelled tasks are
// ClassNone.
func (t TaskState) ClassOn(d Date) TaskClass {
	switch {
	case t.Status == StatusCancelled:
		return ClassNone
	case t.Status == StatusCompleted && !t.CompletedOn.After(d):
		if t.Deadline.IsZero() || !t.CompletedOn.After(t.Deadline) {
			return ClassCompletedOnTime
		}
		return ClassCompletedLate
	case t.Deadline.IsZero() || !d.After(t.Deadline):
		return ClassOpenInTime
	default:
		return ClassOpenOverdue
	}
}

// Task is the task aggregate.
type Task struct {
	s TaskState
}

// Exists reports whether the task has been assigned.
func (t *Task) Exists() bool { return t.s.ID != "" }

// OwnerUnit returns the unit whose data this is: the lead unit.
func (t *Task) OwnerUnit() string { return t.s.Lead }

// State returns a copy of the task's state.
func (t *Task) State() TaskState {
	s := t.s
	s.Coordinating = append([]string(nil), t.s.Coordinating...)
	s.Extensions = append([]Extension(nil), t.s.Extensions...)
	s.Evidence = append([]EvidenceRef(nil), t.s.Evidence...)
	s.ExtensionRequests = append([]ExtensionRequest(nil), t.s.ExtensionRequests...)
	if t.s.Recurrence != nil {
		r := *t.s.Recurrence
		s.Recurrence = &r
	}
	return s
}

// RestoreTask returns the task a snapshot of its state describes.
func RestoreTask(s TaskState) *Task { return &Task{s: s} }

// Apply evolves the task by one event. It never fails.
func (t *Task) Apply(r Recorded) {
	switch e := r.Event.(type) {
	case TaskAssigned:
		t.s = TaskState{ID: e.ID, DocumentID: e.DocumentID, Number: e.Number, Title: e.Title, Area: e.Area,
			Lead: e.Lead, Coordinating: e.Coordinating, Deadline: e.Deadline, Recurrence: e.Recurrence, Status: StatusOpen}
	case TaskProgressReported:
		t.s.Progress, t.s.ProgressOn = e.Percent, e.EffectiveOn
		t.s.Evidence = append(t.s.Evidence, e.Evidence...)
	case TaskCompleted:
		t.s.Status, t.s.CompletedOn, t.s.Progress = StatusCompleted, e.CompletedOn, 100
		t.s.Evidence = append(t.s.Evidence, e.Evidence...)
	case TaskDeadlineExtended:
		t.s.Deadline = e.To
		t.s.Extensions = append(t.s.Extensions, Extension{From: e.From, To: e.To, ApprovedBy: e.ApprovedBy, Reason: e.Reason, RecordedAt: r.RecordedAt})
	case TaskReopened:
		t.s.Status, t.s.CompletedOn = StatusOpen, Date{}
	case TaskCancelled:
		t.s.Status = StatusCancelled
	}
	t.applyExtension(r)
}

// AssignTask is the command to assign a task of a document. Lead and
// coordinating units must exist and Area must be in the rule set's areas:
// the caller checks both.
type AssignTask struct {
	Number       string      `json:"number,omitempty"`
	Title        string      `json:"title"`
	Area         string      `json:"area,omitempty"`
	Lead         string      `json:"lead"`
	Coordinating []string    `json:"coordinating,omitempty"`
	Deadline     string      `json:"deadline,omitempty"`
	Recurrence   *Recurrence `json:"recurrence,omitempty"`
}

// MaxCoordinating is the most coordinating units a task may name.
const MaxCoordinating = 200

// Normalize cleans the command and checks its form.
func (c AssignTask) Normalize() (TaskAssigned, *Error) {
	var ev TaskAssigned
	var err *Error
	if ev.Number, err = CleanText("number", c.Number, MaxShortLen, false); err != nil {
		return ev, err
	}
	if ev.Title, err = CleanText("title", c.Title, MaxNameLen, true); err != nil {
		return ev, err
	}
	if ev.Area, err = CleanText("area", c.Area, MaxShortLen, false); err != nil {
		return ev, err
	}
	if ev.Lead, err = NormalizeUnitCode("lead", c.Lead); err != nil {
		return ev, err
	}
	if len(c.Coordinating) > MaxCoordinating {
		return ev, Invalid("coordinating", "Quá nhiều đơn vị phối hợp", "too many coordinating units")
	}
	seen := map[string]bool{ev.Lead: true}
	for i, u := range c.Coordinating {
		code, err := NormalizeUnitCode("coordinating["+strconv.Itoa(i)+"]", u)
		if err != nil {
			return ev, err
		}
		if seen[code] {
			return ev, Invalid("coordinating["+strconv.Itoa(i)+"]", "Đơn vị bị lặp hoặc trùng đơn vị chủ trì", "unit repeated or same as the lead unit")
		}
		seen[code] = true
		ev.Coordinating = append(ev.Coordinating, code)
	}
	switch {
	case c.Deadline != "" && c.Recurrence != nil:
		return ev, Invalid("recurrence", "Nhiệm vụ có hạn hoặc thường xuyên, không cả hai", "a task has a deadline or a recurrence, not both")
	case c.Deadline != "":
		if ev.Deadline, err = ParseDate("deadline", c.Deadline); err != nil {
			return ev, err
		}
	case c.Recurrence != nil:
		r := *c.Recurrence
		if !kindIn(r.Every, []string{"monthly", "quarterly", "yearly"}) {
			return ev, Invalid("recurrence.every", "Chu kỳ phải là monthly, quarterly hoặc yearly", "every must be monthly, quarterly or yearly")
		}
		if r.DueDay < 1 || r.DueDay > 31 {
			return ev, Invalid("recurrence.due_day", "Ngày đến hạn phải từ 1 đến 31", "due_day must be 1 to 31")
		}
		ev.Recurrence = &r
	default:
		return ev, Invalid("deadline", "Cần hạn hoàn thành hoặc chu kỳ báo cáo", "a deadline or a recurrence is required")
	}
	return ev, nil
}

// Assign decides the assignment of a new task with id under document
// documentID.
func (t *Task) Assign(id, documentID string, cmd AssignTask) ([]Event, error) {
	if t.Exists() {
		return nil, &Error{Code: CodeConflict, VI: "Nhiệm vụ đã tồn tại", EN: "task already exists"}
	}
	ev, err := cmd.Normalize()
	if err != nil {
		return nil, err
	}
	ev.ID, ev.DocumentID = id, documentID
	return []Event{ev}, nil
}

func (t *Task) mustBeOpen() error {
	if !t.Exists() {
		return NotFound("", "Không tìm thấy nhiệm vụ", "task not found")
	}
	if t.s.Status != StatusOpen {
		return StateError("Nhiệm vụ không còn mở (đã hoàn thành hoặc đã hủy)", "the task is not open (completed or cancelled)")
	}
	return nil
}

// ReportTaskProgress is the command to report progress on a task.
type ReportTaskProgress struct {
	Percent     *float64      `json:"percent"`
	Note        string        `json:"note,omitempty"`
	EffectiveOn string        `json:"effective_on"`
	Evidence    []EvidenceRef `json:"evidence,omitempty"`
}

// ReportProgress decides a progress report. The effective date may not be
// in the future.
func (t *Task) ReportProgress(ctx Context, cmd ReportTaskProgress) ([]Event, error) {
	if err := t.mustBeOpen(); err != nil {
		return nil, err
	}
	pct, err := CheckPercent("percent", cmd.Percent)
	if err != nil {
		return nil, err
	}
	on, err := EffectiveDate(ctx, "effective_on", cmd.EffectiveOn)
	if err != nil {
		return nil, err
	}
	note, ev, err := cleanNoteAndEvidence(cmd.Note, cmd.Evidence)
	if err != nil {
		return nil, err
	}
	return []Event{TaskProgressReported{Percent: pct, Note: note, EffectiveOn: on, Evidence: ev}}, nil
}

// CompleteTask is the command to mark a task done.
type CompleteTask struct {
	CompletedOn string        `json:"completed_on"`
	Note        string        `json:"note,omitempty"`
	Evidence    []EvidenceRef `json:"evidence,omitempty"`
}

// Complete decides the completion of an open task; the completion date may
// not be in the future.
func (t *Task) Complete(ctx Context, cmd CompleteTask) ([]Event, error) {
	if err := t.mustBeOpen(); err != nil {
		return nil, err
	}
	on, err := EffectiveDate(ctx, "completed_on", cmd.CompletedOn)
	if err != nil {
		return nil, err
	}
	note, ev, err := cleanNoteAndEvidence(cmd.Note, cmd.Evidence)
	if err != nil {
		return nil, err
	}
	return []Event{TaskCompleted{CompletedOn: on, Note: note, Evidence: ev}}, nil
}

// ExtendDeadline is the command to move an open task's deadline forward.
// The approver is the actor.
type ExtendDeadline struct {
	Deadline string `json:"deadline"`
	Reason   string `json:"reason"`
}

// ExtendDeadline decides an extension approved by ctx.Actor: the new
// deadline must be later than the current one and a reason is required.
func (t *Task) ExtendDeadline(ctx Context, cmd ExtendDeadline) ([]Event, error) {
	if err := t.mustBeOpen(); err != nil {
		return nil, err
	}
	to, reason, err := t.checkExtension(cmd)
	if err != nil {
		return nil, err
	}
	if ctx.Actor.Subject == "" {
		return nil, Forbidden("Thiếu người phê duyệt gia hạn", "an extension needs an approver")
	}
	return []Event{TaskDeadlineExtended{From: t.s.Deadline, To: to, ApprovedBy: ctx.Actor.Subject, Reason: reason}}, nil
}

// ReasonCommand carries only a reason (reopen, cancel, amend).
type ReasonCommand struct {
	Reason string `json:"reason"`
}

// Reopen decides reopening a completed or cancelled task.
func (t *Task) Reopen(cmd ReasonCommand) ([]Event, error) {
	if !t.Exists() {
		return nil, NotFound("", "Không tìm thấy nhiệm vụ", "task not found")
	}
	if t.s.Status == StatusOpen {
		return nil, StateError("Nhiệm vụ đang mở", "the task is already open")
	}
	reason, err := CleanText("reason", cmd.Reason, MaxNoteLen, true)
	if err != nil {
		return nil, err
	}
	return []Event{TaskReopened{Reason: reason}}, nil
}

// Cancel decides cancelling an open task.
func (t *Task) Cancel(cmd ReasonCommand) ([]Event, error) {
	if err := t.mustBeOpen(); err != nil {
		return nil, err
	}
	reason, err := CleanText("reason", cmd.Reason, MaxNoteLen, true)
	if err != nil {
		return nil, err
	}
	return []Event{TaskCancelled{Reason: reason}}, nil
}

// CheckPercent checks a required percentage: finite, 0..100.
func CheckPercent(field string, p *float64) (float64, *Error) {
	if p == nil {
		return 0, Invalid(field, "Trường này là bắt buộc", "this field is required")
	}
	if math.IsNaN(*p) || math.IsInf(*p, 0) || *p < 0 || *p > 100 {
		return 0, Invalid(field, "Tỷ lệ phải từ 0 đến 100", "a percentage must be between 0 and 100")
	}
	return *p, nil
}

// EffectiveDate parses a required effective date that may not be after
// today (Asia/Ho_Chi_Minh).
func EffectiveDate(ctx Context, field, s string) (Date, *Error) {
	if s == "" {
		return Date{}, Invalid(field, "Trường này là bắt buộc", "this field is required")
	}
	d, err := ParseDate(field, s)
	if err != nil {
		return Date{}, err
	}
	if d.After(ctx.Today()) {
		return Date{}, Invalid(field, "Ngày hiệu lực không được sau hôm nay", "the effective date cannot be after today")
	}
	return d, nil
}

// cleanNoteAndEvidence checks the note and evidence every report carries.
func cleanNoteAndEvidence(note string, evidence []EvidenceRef) (string, []EvidenceRef, *Error) {
	n, err := CleanText("note", note, MaxNoteLen, false)
	if err != nil {
		return "", nil, err
	}
	ev, err := CleanEvidence(evidence)
	if err != nil {
		return "", nil, err
	}
	return n, ev, nil
}

// MaxEvidence is the most evidence references one report may carry.
const MaxEvidence = 50

// CleanEvidence checks evidence references.
func CleanEvidence(in []EvidenceRef) ([]EvidenceRef, *Error) {
	if len(in) > MaxEvidence {
		return nil, Invalid("evidence", "Quá nhiều tài liệu minh chứng", "too many evidence references")
	}
	out := make([]EvidenceRef, 0, len(in))
	for i, e := range in {
		f := "evidence[" + strconv.Itoa(i) + "]"
		var err *Error
		if e.Title, err = CleanText(f+".title", e.Title, MaxNameLen, true); err != nil {
			return nil, err
		}
		if e.Ref, err = CleanText(f+".ref", e.Ref, 2000, false); err != nil {
			return nil, err
		}
		e.SHA256 = strings.ToLower(e.SHA256)
		if e.SHA256 != "" && !isHex64(e.SHA256) {
			return nil, Invalid(f+".sha256", "Mã băm SHA-256 phải gồm 64 ký tự hex", "sha256 must be 64 hex characters")
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
