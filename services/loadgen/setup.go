package loadgen

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// province is what the simulated users work on: the units with a
// commitment in the period, and the tasks the setup assigned them.
type province struct {
	period   string
	document string // the load's own document, under which tasks are assigned
	units    []unit

	mu    sync.Mutex
	tasks map[string][]string // unit code → task ids
}

type unit struct {
	code        string
	commitments []string
}

func (p *province) unitTasks(code string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tasks[code]
}

func (p *province) addTask(code, id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tasks[code] = append(p.tasks[code], id)
}

// hcm is Asia/Ho_Chi_Minh: UTC+7 all year.
var hcm = time.FixedZone("ICT", 7*3600)

// today returns today's date in Asia/Ho_Chi_Minh as dd/mm/yyyy.
func today() string { return time.Now().In(hcm).Format("02/01/2006") }

// periodEnd returns the last day of a period "2021-Q2" or "2021" as
// dd/mm/yyyy, or today when that is later than today.
func periodEnd(period string) (string, error) {
	year, q, quarterly := strings.Cut(period, "-Q")
	y, err := strconv.Atoi(year)
	if err != nil {
		return "", fmt.Errorf("loadgen: period %q is not YYYY or YYYY-Qn", period)
	}
	month := 12
	if quarterly {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 4 {
			return "", fmt.Errorf("loadgen: period %q is not YYYY or YYYY-Qn", period)
		}
		month = 3 * n
	}
	end := time.Date(y, time.Month(month)+1, 0, 0, 0, 0, 0, hcm)
	if now := time.Now().In(hcm); end.After(now) {
		end = now
	}
	return end.Format("02/01/2006"), nil
}

// prepare waits until the server is ready (its projection caught up),
// reads the period's board to find the units and their
// commitments, and issues a document of the load's own that assigns
// TasksPerUnit tasks to each unit. It fails when the period has no
// commitment to report on.
func (r *runner) prepare(ctx context.Context, office string) (*province, error) {
	p := &province{period: r.cfg.Period, tasks: map[string][]string{}}
	if !r.answers(ctx, "/readyz", time.Minute) {
		return nil, fmt.Errorf("loadgen: %s did not become ready within a minute", r.cfg.URL)
	}
	resp, err := r.send(ctx, request{op: "setup", method: "GET", path: "/api/v1/boards/" + r.cfg.Period + "?mode=reported", token: office})
	if err != nil {
		return nil, err
	}
	var board struct {
		Rows []struct {
			Unit        string   `json:"unit"`
			Commitments []string `json:"commitments"`
		} `json:"rows"`
	}
	if !resp.ok() {
		return nil, fmt.Errorf("loadgen: reading the %s board: %d %s", r.cfg.Period, resp.status, resp.body)
	}
	if err := resp.decode(&board); err != nil {
		return nil, err
	}
	for _, row := range board.Rows {
		if len(row.Commitments) > 0 {
			p.units = append(p.units, unit{code: row.Unit, commitments: row.Commitments})
		}
	}
	if len(p.units) == 0 {
		return nil, fmt.Errorf("loadgen: no unit has a commitment in %s: load the demo (camket demo load) or import a province", r.cfg.Period)
	}
	year := time.Now().In(hcm).Year()
	resp, err = r.send(ctx, request{op: "setup", method: "POST", path: "/api/v1/documents", token: office, write: true, create: true,
		body: map[string]any{"number": "LG-" + uuid.NewString()[:8] + "/KH-UBND", "kind": "plan",
			"title": "Kế hoạch kiểm thử tải / load test plan", "signed_on": today(), "period": strconv.Itoa(year)}})
	if err != nil {
		return nil, err
	}
	var doc struct{ ID string }
	if !resp.ok() {
		return nil, fmt.Errorf("loadgen: issuing the load's document: %d %s", resp.status, resp.body)
	}
	if err := resp.decode(&doc); err != nil {
		return nil, err
	}
	p.document = doc.ID
	for _, u := range p.units {
		for i := range r.cfg.TasksPerUnit {
			if err := r.assignTask(ctx, p, office, u.code, i+1); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

// assignTask assigns the load's task number n to unit; it fails on any
// answer but 201.
//
// With alerts watched (Config.NATSURL), the deadline is five days away, so
// the task is inside the 7-day window when recorded and its alert goes out
// at once: the watch measures how long that takes.
func (r *runner) assignTask(ctx context.Context, p *province, office, code string, n int) error {
	title := "Nhiệm vụ kiểm thử tải số " + strconv.Itoa(n)
	deadline := fmt.Sprintf("31/12/%d", time.Now().In(hcm).Year())
	if r.alerts != nil {
		deadline = time.Now().In(hcm).AddDate(0, 0, 5).Format("02/01/2006")
		r.alerts.expect(code, title)
	}
	resp, err := r.send(ctx, request{op: "task.assign", method: "POST", path: "/api/v1/documents/" + p.document + "/tasks",
		token: office, write: true, create: true,
		body: map[string]any{"number": strconv.Itoa(n), "title": title, "lead": code, "deadline": deadline}})
	if err != nil {
		return err
	}
	var task struct{ ID string }
	if resp.status != 201 {
		return fmt.Errorf("loadgen: assigning a task to %s: %d %s", code, resp.status, resp.body)
	}
	if err := resp.decode(&task); err != nil {
		return err
	}
	p.addTask(code, task.ID)
	return nil
}
