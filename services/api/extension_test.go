package api

import (
	"net/http"
	"testing"

	"github.com/camket/camket/pkg/domain"
)

// A reporter asks for more time; the office approves one request and
// refuses the next; the task's state shows both decisions.
func TestExtensionRequestsOverHTTP(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	base := "/api/v1/tasks/" + p.task + "/extension-requests"
	reporter := append(bearer(domain.RoleReporter, "CAT", "can.bo"), "If-Match", "*")
	officeUser := append(bearer(domain.RoleOffice, "", "van.phong"), "If-Match", "*")
	first := created(t, ta.do("POST", base, map[string]any{"deadline": "31/07/2021", "reason": "Chờ hướng dẫn của Bộ"}, reporter...))
	wantStatus(t, ta.do("POST", base, map[string]any{"deadline": "31/08/2021", "reason": "x"}, reporter...), http.StatusConflict)
	wantStatus(t, ta.do("POST", base+"/"+first.ID+"/approve", nil, reporter...), http.StatusForbidden)
	wantStatus(t, ta.do("POST", base+"/"+first.ID+"/approve", nil, officeUser...), http.StatusOK)
	second := created(t, ta.do("POST", base, map[string]any{"deadline": "31/08/2021", "reason": "Thiếu kinh phí"}, reporter...))
	r := ta.do("POST", base+"/"+second.ID+"/refuse", map[string]any{"reason": ""}, officeUser...)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if prob := r.problem(t); prob.Field != "reason" {
		t.Fatalf("refusal without a reason names %q", prob.Field)
	}
	wantStatus(t, ta.do("POST", base+"/"+second.ID+"/refuse", map[string]any{"reason": "Không có căn cứ"}, officeUser...), http.StatusOK)
	var task struct {
		State domain.TaskState `json:"state"`
	}
	ta.do("GET", "/api/v1/tasks/"+p.task, nil).json(t, &task)
	reqs := task.State.ExtensionRequests
	if task.State.Deadline.Display() != "31/07/2021" || len(reqs) != 2 || reqs[0].Status != "approved" || reqs[1].Status != "refused" ||
		reqs[0].RequestedBy.Subject != "can.bo" || reqs[1].DecidedBy != "van.phong" {
		t.Fatalf("task after the decisions: deadline %s, requests %+v", task.State.Deadline.Display(), reqs)
	}
}
