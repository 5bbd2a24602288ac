package domain

import "time"

// TaskExtensionRequested: the lead unit asked to move the deadline to To,
// for Reason; the office approves (task.deadline_extended naming the
// request) or refuses it.
type TaskExtensionRequested struct {
	RequestID string `json:"request_id"`
	To        Date   `json:"to"`
	Reason    string `json:"reason"`
}

// TaskExtensionRefused: the office refused an extension request, for
// Reason; the deadline stays.
type TaskExtensionRefused struct {
	RequestID string `json:"request_id"`
	Reason    string `json:"reason"`
}

func (TaskExtensionRequested) EventType() string { return "task.extension_requested" }
func (TaskExtensionRefused) EventType() string   { return "task.extension_refused" }

// Extension request statuses.
const (
	RequestPending  = "pending"
	RequestApproved = "approved"
	RequestRefused  = "refused"
)

// ExtensionRequest is one request to move a task's deadline, and the
// office's decision.
type ExtensionRequest struct {
	ID          string    `json:"id"`
	To          Date      `json:"to"`
	Reason      string    `json:"reason"`
	RequestedBy Actor     `json:"requested_by"`
	RecordedAt  time.Time `json:"recorded_at"`
	Status      string    `json:"status"`
	Decision    string    `json:"decision,omitempty"` // the refusal's reason
	DecidedBy   string    `json:"decided_by,omitempty"`
}

// PendingExtension returns the request awaiting a decision, if any.
func (s TaskState) PendingExtension() (ExtensionRequest, bool) {
	for _, r := range s.ExtensionRequests {
		if r.Status == RequestPending {
			return r, true
		}
	}
	return ExtensionRequest{}, false
}

// applyExtension folds the events of extension requests; the approval is
// a TaskDeadlineExtended naming the request.
func (t *Task) applyExtension(r Recorded) {
	switch e := r.Event.(type) {
	case TaskExtensionRequested:
		t.s.ExtensionRequests = append(t.s.ExtensionRequests, ExtensionRequest{ID: e.RequestID, To: e.To, Reason: e.Reason,
			RequestedBy: r.Actor, RecordedAt: r.RecordedAt, Status: RequestPending})
	case TaskExtensionRefused:
		t.decide(e.RequestID, RequestRefused, e.Reason, r.Actor.Subject)
	case TaskDeadlineExtended:
		if e.RequestID != "" {
			t.decide(e.RequestID, RequestApproved, "", e.ApprovedBy)
		}
	}
}

func (t *Task) decide(id, status, reason, by string) {
	for i := range t.s.ExtensionRequests {
		if t.s.ExtensionRequests[i].ID == id {
			t.s.ExtensionRequests[i].Status, t.s.ExtensionRequests[i].Decision, t.s.ExtensionRequests[i].DecidedBy = status, reason, by
		}
	}
}

// RequestExtension decides a request, with id, to move an open task's
// deadline: the new deadline must be later than the current one, a reason
// is required and only one request may wait at a time.
func (t *Task) RequestExtension(id string, cmd ExtendDeadline) ([]Event, error) {
	if err := t.mustBeOpen(); err != nil {
		return nil, err
	}
	if _, pending := t.s.PendingExtension(); pending {
		return nil, StateError("Đã có một đề nghị gia hạn đang chờ quyết định", "an extension request is already awaiting a decision")
	}
	to, reason, err := t.checkExtension(cmd)
	if err != nil {
		return nil, err
	}
	return []Event{TaskExtensionRequested{RequestID: id, To: to, Reason: reason}}, nil
}

// checkExtension checks a new deadline and reason against the task.
func (t *Task) checkExtension(cmd ExtendDeadline) (Date, string, error) {
	if t.s.Deadline.IsZero() {
		return Date{}, "", StateError("Nhiệm vụ thường xuyên không có hạn để gia hạn", "a recurring task has no deadline to extend")
	}
	to, err := ParseDate("deadline", cmd.Deadline)
	if err != nil {
		return Date{}, "", err
	}
	if !to.After(t.s.Deadline) {
		return Date{}, "", Invalid("deadline", "Hạn mới phải sau hạn hiện tại ("+t.s.Deadline.Display()+")",
			"the new deadline must be after the current one ("+t.s.Deadline.Display()+")")
	}
	reason, err := CleanText("reason", cmd.Reason, MaxNoteLen, true)
	if err != nil {
		return Date{}, "", err
	}
	return to, reason, nil
}

func (t *Task) pendingRequest(id string) (ExtensionRequest, error) {
	if err := t.mustBeOpen(); err != nil {
		return ExtensionRequest{}, err
	}
	for _, r := range t.s.ExtensionRequests {
		if r.ID == id {
			if r.Status != RequestPending {
				return r, StateError("Đề nghị gia hạn này đã được quyết định", "this extension request has already been decided")
			}
			return r, nil
		}
	}
	return ExtensionRequest{}, NotFound("request_id", "Không tìm thấy đề nghị gia hạn", "extension request not found")
}

// ApproveExtension decides approving a pending request: the deadline moves
// to the requested date, approved by ctx.Actor, for the request's reason.
func (t *Task) ApproveExtension(ctx Context, id string) ([]Event, error) {
	req, err := t.pendingRequest(id)
	if err != nil {
		return nil, err
	}
	if ctx.Actor.Subject == "" {
		return nil, Forbidden("Thiếu người phê duyệt gia hạn", "an extension needs an approver")
	}
	if !req.To.After(t.s.Deadline) {
		return nil, StateError("Hạn hiện tại đã muộn hơn hạn đề nghị", "the deadline is already later than the one requested")
	}
	return []Event{TaskDeadlineExtended{From: t.s.Deadline, To: req.To, ApprovedBy: ctx.Actor.Subject, Reason: req.Reason, RequestID: id}}, nil
}

// RefuseExtension decides refusing a pending request; a reason is required.
func (t *Task) RefuseExtension(id string, cmd ReasonCommand) ([]Event, error) {
	if _, err := t.pendingRequest(id); err != nil {
		return nil, err
	}
	reason, err := CleanText("reason", cmd.Reason, MaxNoteLen, true)
	if err != nil {
		return nil, err
	}
	return []Event{TaskExtensionRefused{RequestID: id, Reason: reason}}, nil
}
