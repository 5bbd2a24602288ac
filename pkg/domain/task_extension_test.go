package domain

import (
	"reflect"
	"testing"
)

func TestExtensionRequestApprovedMovesTheDeadlineWithTheUnitsReason(t *testing.T) {
	tk := fold(&Task{}, officeUser, TaskAssigned{ID: "t1", DocumentID: "d1", Title: "x", Lead: "CAT", Deadline: NewDate(2021, 6, 30)})
	_, err := tk.RequestExtension("r1", ExtendDeadline{Deadline: "31/07/2021"})
	wantCode(t, err, CodeInvalid, "reason")
	_, err = tk.RequestExtension("r1", ExtendDeadline{Deadline: "30/06/2021", Reason: "x"})
	wantCode(t, err, CodeInvalid, "deadline")
	evs, err := tk.RequestExtension("r1", ExtendDeadline{Deadline: "31/07/2021", Reason: "Chờ hướng dẫn của Bộ"})
	if err != nil {
		t.Fatal(err)
	}
	fold(tk, unitHead, evs...)
	if _, err := tk.RequestExtension("r2", ExtendDeadline{Deadline: "15/08/2021", Reason: "y"}); ErrorCode(err) != CodeState {
		t.Fatalf("a second request while one waits: %v, want a state error", err)
	}
	if p, ok := tk.State().PendingExtension(); !ok || p.RequestedBy != unitHead || p.To != NewDate(2021, 7, 31) {
		t.Fatalf("pending request: %+v %v", p, ok)
	}
	if s := tk.State(); s.Deadline != NewDate(2021, 6, 30) {
		t.Fatalf("a request alone moved the deadline to %s", s.Deadline.Display())
	}
	evs, err = tk.ApproveExtension(ctxOf(officeUser), "r1")
	if err != nil {
		t.Fatal(err)
	}
	want := TaskDeadlineExtended{From: NewDate(2021, 6, 30), To: NewDate(2021, 7, 31), ApprovedBy: "tran.thi.b", Reason: "Chờ hướng dẫn của Bộ", RequestID: "r1"}
	if !reflect.DeepEqual(evs, []Event{want}) {
		t.Fatalf("approval: got %#v, want %#v", evs, want)
	}
	fold(tk, officeUser, evs...)
	s := tk.State()
	if s.Deadline != NewDate(2021, 7, 31) || s.ExtensionRequests[0].Status != RequestApproved || len(s.Extensions) != 1 {
		t.Fatalf("after approval: %+v", s)
	}
	if _, err := tk.ApproveExtension(ctxOf(officeUser), "r1"); ErrorCode(err) != CodeState {
		t.Fatalf("approving twice: %v, want a state error", err)
	}
}

func TestExtensionRequestRefusedKeepsTheDeadline(t *testing.T) {
	tk := fold(&Task{}, officeUser, TaskAssigned{ID: "t1", DocumentID: "d1", Title: "x", Lead: "CAT", Deadline: NewDate(2021, 6, 30)},
		TaskExtensionRequested{RequestID: "r1", To: NewDate(2021, 7, 31), Reason: "x"})
	if _, err := tk.RefuseExtension("nope", ReasonCommand{Reason: "z"}); ErrorCode(err) != CodeNotFound {
		t.Fatalf("refusing an unknown request: %v, want not found", err)
	}
	_, err := tk.RefuseExtension("r1", ReasonCommand{})
	wantCode(t, err, CodeInvalid, "reason")
	evs, err := tk.RefuseExtension("r1", ReasonCommand{Reason: "Không có căn cứ"})
	if err != nil {
		t.Fatal(err)
	}
	fold(tk, officeUser, evs...)
	s := tk.State()
	if r := s.ExtensionRequests[0]; s.Deadline != NewDate(2021, 6, 30) || r.Status != RequestRefused || r.Decision != "Không có căn cứ" || r.DecidedBy != "tran.thi.b" {
		t.Fatalf("after refusal: %+v", s)
	}
	if _, ok := s.PendingExtension(); ok {
		t.Fatal("a refused request is still pending")
	}
}
