package loadgen

import (
	"context"
	"math"
	"math/rand/v2"
	"strconv"
)

// user is one simulated person: a unit's head or reporter, or office staff.
type user struct {
	r     *runner
	p     *province
	name  string
	token string
	unit  *unit // nil for the office
	// reporter: unit staff who report but may not read history (only
	// heads, the office and auditors may).
	reporter bool
	rng      *rand.Rand
	actions  []action
}

// action is something a user does, and how often, relative to the others.
type action struct {
	weight int
	do     func(u *user, ctx context.Context)
}

// The mixes: unit staff mostly report and look at the board; the office
// mostly verifies and reads.
var (
	unitActions = []action{
		{35, (*user).reportValue},
		{20, (*user).reportProgress},
		{10, (*user).completeTask},
		{25, (*user).readBoard},
		{10, (*user).readHistory},
	}
	officeActions = []action{
		{40, (*user).verifyReport},
		{10, (*user).reopenTask},
		{5, (*user).assignTask},
		{30, (*user).readBoard},
		{15, (*user).readHistory},
	}
)

func (u *user) act(ctx context.Context) {
	total := 0
	for _, a := range u.actions {
		total += a.weight
	}
	n := u.rng.IntN(total)
	for _, a := range u.actions {
		if n < a.weight {
			a.do(u, ctx)
			return
		}
		n -= a.weight
	}
}

func pick[T any](rng *rand.Rand, s []T) (T, bool) {
	var zero T
	if len(s) == 0 {
		return zero, false
	}
	return s[rng.IntN(len(s))], true
}

// commitment is the part of a commitment's representation the users read.
type commitment struct {
	State struct {
		Indicators []struct {
			ID      string  `json:"id"`
			Measure string  `json:"measure"`
			Target  float64 `json:"target"`
			Reports []struct {
				ID           string    `json:"id"`
				Verification *struct{} `json:"verification"`
			} `json:"reports"`
		} `json:"indicators"`
	} `json:"state"`
}

// task is the part of a task's representation the users read.
type task struct {
	State struct {
		Status   string  `json:"status"`
		Progress float64 `json:"progress"`
	} `json:"state"`
}

// get reads a resource as the user; ok is false when it did not answer 200.
func (u *user) get(ctx context.Context, op, path string, v any) (etag string, ok bool) {
	resp, err := u.r.send(ctx, request{op: op, method: "GET", path: path, token: u.token})
	if err != nil || resp.status != 200 || resp.decode(v) != nil {
		return "", false
	}
	return resp.etag, true
}

// write sends a command with If-Match etag, and sometimes reads the board
// at the command's position right after, which measures projection lag.
func (u *user) write(ctx context.Context, op, path, etag string, body any) {
	resp, err := u.r.send(ctx, request{op: op, method: "POST", path: path, token: u.token, ifMatch: etag, body: body, write: true})
	if err != nil || !resp.ok() || u.rng.Float64() >= u.r.cfg.LagSample {
		return
	}
	var res struct {
		Position uint64 `json:"position"`
	}
	if resp.decode(&res) != nil || res.Position == 0 {
		return
	}
	u.readBoardAfter(ctx, res.Position)
}

// value returns a value an indicator of measure with target accepts.
func (u *user) value(measure string, target float64) float64 {
	switch measure {
	case "boolean":
		return float64(u.rng.IntN(2))
	case "percent":
		return float64(50 + u.rng.IntN(51))
	}
	return math.Floor(u.rng.Float64() * 1.2 * (target + 1))
}

func (u *user) ownCommitment() (string, bool) { return pick(u.rng, u.unit.commitments) }

func (u *user) reportValue(ctx context.Context) {
	id, _ := u.ownCommitment()
	var c commitment
	etag, ok := u.get(ctx, "commitment.get", "/api/v1/commitments/"+id, &c)
	if !ok {
		return
	}
	ind, ok := pick(u.rng, c.State.Indicators)
	if !ok {
		return
	}
	on, err := periodEnd(u.p.period)
	if err != nil {
		return
	}
	u.write(ctx, "value.report", "/api/v1/commitments/"+id+"/indicators/"+ind.ID+"/reports", etag,
		map[string]any{"value": u.value(ind.Measure, ind.Target), "effective_on": on, "note": "Báo cáo của " + u.name})
}

// openTask reads one of the unit's tasks; ok is false when it is not open.
func (u *user) openTask(ctx context.Context) (id, etag string, t task, ok bool) {
	id, ok = pick(u.rng, u.p.unitTasks(u.unit.code))
	if !ok {
		return
	}
	etag, ok = u.get(ctx, "task.get", "/api/v1/tasks/"+id, &t)
	return id, etag, t, ok && t.State.Status == "open"
}

func (u *user) reportProgress(ctx context.Context) {
	id, etag, t, ok := u.openTask(ctx)
	if !ok {
		return
	}
	pct := math.Min(99, math.Floor(t.State.Progress)+float64(1+u.rng.IntN(10)))
	u.write(ctx, "task.progress", "/api/v1/tasks/"+id+"/progress", etag,
		map[string]any{"percent": pct, "effective_on": today(), "note": "Tiến độ " + strconv.Itoa(int(pct)) + "%"})
}

func (u *user) completeTask(ctx context.Context) {
	id, etag, _, ok := u.openTask(ctx)
	if !ok {
		return
	}
	u.write(ctx, "task.complete", "/api/v1/tasks/"+id+"/complete", etag,
		map[string]any{"completed_on": today(), "note": "Đã hoàn thành"})
}

func (u *user) readBoard(ctx context.Context) {
	u.r.send(ctx, request{op: "board.get", method: "GET", path: "/api/v1/boards/" + u.p.period, token: u.token})
}

// readBoardAfter reads the board once it holds position pos and records
// the time since the write's answer as projection lag.
func (u *user) readBoardAfter(ctx context.Context, pos uint64) {
	start := timeNow()
	resp, err := u.r.send(ctx, request{op: "board.get", method: "GET",
		path: "/api/v1/boards/" + u.p.period + "?after=" + strconv.FormatUint(pos, 10), token: u.token})
	if err == nil && resp.ok() {
		u.r.rec.lagged(start, timeNow().Sub(start))
	}
}

func (u *user) readHistory(ctx context.Context) {
	stream := ""
	if u.reporter {
		u.get(ctx, "commitment.get", "/api/v1/commitments/"+first(u.ownCommitment()), &commitment{})
		return
	}
	if u.unit != nil {
		id, _ := u.ownCommitment()
		stream = "commitment-" + id
	} else if un, ok := pick(u.rng, u.p.units); ok {
		if id, ok := pick(u.rng, u.p.unitTasks(un.code)); ok {
			stream = "task-" + id
		}
	}
	if stream == "" {
		return
	}
	u.r.send(ctx, request{op: "history.get", method: "GET", path: "/api/v1/history/" + stream, token: u.token})
}

func (u *user) verifyReport(ctx context.Context) {
	un, _ := pick(u.rng, u.p.units)
	id, _ := pick(u.rng, un.commitments)
	var c commitment
	etag, ok := u.get(ctx, "commitment.get", "/api/v1/commitments/"+id, &c)
	if !ok {
		return
	}
	for _, ind := range c.State.Indicators {
		for i := len(ind.Reports) - 1; i >= 0; i-- {
			if ind.Reports[i].Verification == nil {
				u.write(ctx, "value.verify", "/api/v1/commitments/"+id+"/indicators/"+ind.ID+"/reports/"+ind.Reports[i].ID+"/verify",
					etag, map[string]any{"note": "Đã thẩm định"})
				return
			}
		}
	}
}

func (u *user) reopenTask(ctx context.Context) {
	un, _ := pick(u.rng, u.p.units)
	id, ok := pick(u.rng, u.p.unitTasks(un.code))
	if !ok {
		return
	}
	var t task
	etag, ok := u.get(ctx, "task.get", "/api/v1/tasks/"+id, &t)
	if !ok || t.State.Status != "completed" {
		return
	}
	u.write(ctx, "task.reopen", "/api/v1/tasks/"+id+"/reopen", etag, map[string]any{"reason": "Kết quả chưa đạt yêu cầu"})
}

func (u *user) assignTask(ctx context.Context) {
	un, _ := pick(u.rng, u.p.units)
	u.r.assignTask(ctx, u.p, u.token, un.code, len(u.p.unitTasks(un.code))+1)
}

func first[T any](v T, _ bool) T { return v }
