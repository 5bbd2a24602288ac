package api

import (
	"context"
	"net/http"
	"sort"
	"strconv"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/projection"
)

// Rules of the workspace pages.
var (
	// unitStaff: the "my unit" page is for a unit's head and reporters.
	unitStaff = Rule{Allow: []domain.Role{domain.RoleUnitHead, domain.RoleReporter}, OwnUnit: true}
)

// dueSoonDays: open tasks due within this many days are listed at the top.
const dueSoonDays = 14

// workPage is the "my unit" page.
type workPage struct {
	pageBase
	Unit, UnitName string
	Today          string
	CanSign        bool
	Evidence       bool
	DueSoon        []workTask
	Commitments    []workCommitment
	TaskGroups     []taskGroup
}

type workCommitment struct {
	ID, Title, Period, Status string
	Revision                  uint64
	Signed, Signable          bool
	Indicators                []workIndicator
}

type workIndicator struct {
	ID, Key string
	indicatorView
	Boolean bool
}

// indicatorView is how the pages show an indicator.
type indicatorView struct {
	Name, Target, Weight, Reported, ReportedOn, Verified, Status, Due string
	Evidence                                                          []domain.EvidenceRef
}

type workTask struct {
	ID, Number, Title, Deadline, When, Status string
	Overdue, Open, Lead                       bool
	days                                      int
	Revision                                  uint64
	Progress                                  string
	Pending                                   string // a requested deadline awaiting the office
	ProgressKey, CompleteKey, ExtensionKey    string
	// What the task's forms need of the page.
	Lang, CSRF, Today string
	Evidence          bool
}

type taskGroup struct {
	Class, Label string
	Tasks        []workTask
}

// unitWork returns the ids of unit's commitments and tasks.
func (w *web) unitWork(unit string) projection.Work {
	var work projection.Work
	if pr, ok := w.cfg.Boards.(provinceReader); ok {
		pr.Read(func(p *projection.Province) { work = p.UnitWork(unit) })
	}
	return work
}

// myPage answers GET /my: the signed-in unit head's or reporter's unit.
func (w *web) myPage(c echo.Context) error {
	lang := langOf(c)
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	unit, _, err := w.svc.Unit(ctx, actor.Unit)
	if err != nil {
		return w.renderError(c, http.StatusNotFound, pick(lang, "Không tìm thấy đơn vị của bạn", "your unit was not found"))
	}
	today := domain.DateOf(w.svc.Log().Now())
	page := workPage{pageBase: newPageBase(c, lang), Unit: unit.Code, UnitName: unit.Name, Today: today.Display(),
		CanSign: actor.Role == string(domain.RoleUnitHead), Evidence: w.cfg.Evidence != nil}
	page.CSRF = csrfValue(c)
	if page.CSRF == "" {
		page.CSRF = newCSRF(c)
	}
	work := w.unitWork(unit.Code)
	if err := w.addCommitments(ctx, &page, work.Commitments, today, lang); err != nil {
		return err
	}
	if err := w.addTasks(ctx, &page, work.Tasks, today, lang); err != nil {
		return err
	}
	return w.render(c, http.StatusOK, "work.html", page)
}

// recentDays: besides the latest period's, the page shows commitments of
// periods that ended this recently (results of a quarter are reported in
// the weeks after it ends).
const recentDays = 120

// addCommitments adds the unit's commitments of its latest period and of
// periods that ended within recentDays.
func (w *web) addCommitments(ctx context.Context, page *workPage, ids []string, today domain.Date, lang string) error {
	var latest domain.Period
	for _, id := range ids {
		st, v, err := w.svc.Commitment(ctx, id)
		if err != nil {
			return err
		}
		if latest.IsZero() {
			latest = st.Period
		}
		if st.Period != latest && st.Period.End().Before(today.AddDays(-recentDays)) {
			break // ids come latest period first
		}
		wc := workCommitment{ID: id, Title: st.Title, Period: st.Period.String(), Status: statusText(st.Status, lang),
			Revision: v.Revision, Signed: len(st.Signatures) > 0, Signable: st.Status != domain.CommitmentSignedSt && len(st.Indicators) > 0}
		for _, ind := range st.Indicators {
			wc.Indicators = append(wc.Indicators, workIndicator{ID: ind.ID, Key: uuid.NewString(),
				indicatorView: describeIndicator(ind, domain.AsOf{Date: st.Period.End()}, lang), Boolean: ind.Measure == domain.MeasureBoolean})
		}
		page.Commitments = append(page.Commitments, wc)
	}
	return nil
}

// addTasks adds the unit's tasks grouped by class, and those due soon.
func (w *web) addTasks(ctx context.Context, page *workPage, ids []string, today domain.Date, lang string) error {
	classes := []domain.TaskClass{domain.ClassOpenOverdue, domain.ClassOpenInTime, domain.ClassCompletedLate, domain.ClassCompletedOnTime}
	labels := map[domain.TaskClass]string{
		domain.ClassOpenOverdue: texts[lang].Overdue, domain.ClassOpenInTime: texts[lang].OpenInTime,
		domain.ClassCompletedLate: texts[lang].Late, domain.ClassCompletedOnTime: texts[lang].OnTime}
	groups := map[domain.TaskClass][]workTask{}
	for _, id := range ids {
		t, v, err := w.svc.Task(ctx, id)
		if err != nil {
			return err
		}
		class := t.ClassOn(today)
		wt := workTask{ID: id, Number: t.Number, Title: t.Title, Deadline: t.Deadline.Display(), Revision: v.Revision,
			Open: t.Status == domain.StatusOpen, Overdue: class == domain.ClassOpenOverdue, Lead: t.Lead == page.Unit,
			Progress: strconv.FormatFloat(t.Progress, 'f', -1, 64), Status: labels[class],
			ProgressKey: uuid.NewString(), CompleteKey: uuid.NewString(), ExtensionKey: uuid.NewString(),
			Lang: lang, CSRF: page.CSRF, Today: page.Today, Evidence: page.Evidence}
		if r, ok := t.PendingExtension(); ok {
			wt.Pending = r.To.Display()
		}
		if wt.Open && !t.Deadline.IsZero() {
			wt.days = today.DaysUntil(t.Deadline)
			wt.When = daysText(wt.days, lang)
			if today.DaysUntil(t.Deadline) <= dueSoonDays {
				page.DueSoon = append(page.DueSoon, wt)
			}
		}
		groups[class] = append(groups[class], wt)
	}
	for _, cl := range classes {
		page.TaskGroups = append(page.TaskGroups, taskGroup{Class: string(cl), Label: labels[cl], Tasks: groups[cl]})
	}
	sort.SliceStable(page.DueSoon, func(i, j int) bool { return page.DueSoon[i].days < page.DueSoon[j].days })
	return nil
}

// daysText says how far a deadline is: "còn 3 ngày", "hôm nay", "quá hạn 2 ngày".
func daysText(days int, lang string) string {
	switch {
	case days == 0:
		return pick(lang, "đến hạn hôm nay", "due today")
	case days > 0:
		return pick(lang, "còn "+strconv.Itoa(days)+" ngày", strconv.Itoa(days)+" days left")
	}
	return pick(lang, "quá hạn "+strconv.Itoa(-days)+" ngày", strconv.Itoa(-days)+" days overdue")
}

// describeIndicator shows an indicator as of a: its target, the latest
// report as the unit made it, the verified value and the report's status.
func describeIndicator(ind domain.IndicatorState, a domain.AsOf, lang string) indicatorView {
	v := indicatorView{Name: ind.Name, Weight: strconv.FormatFloat(ind.Weight, 'f', -1, 64), Due: ind.DueOn.Display(),
		Target: targetText(ind.Indicator, lang), Reported: "—", Verified: "—", Status: pick(lang, "Chưa báo cáo", "Not reported")}
	if val, _, ok := ind.Value(a, domain.ModeVerified); ok {
		v.Verified = valueText(ind.Indicator, val, lang)
	}
	if n := len(ind.Reports); n > 0 {
		last := ind.Reports[n-1]
		v.Reported, v.ReportedOn, v.Evidence = valueText(ind.Indicator, last.Value, lang), last.EffectiveOn.Display(), last.Evidence
		switch {
		case last.Verification == nil:
			v.Status = pick(lang, "Chờ thẩm định", "Awaiting verification")
		case last.Verification.Accepted:
			v.Status = pick(lang, "Đã thẩm định", "Verified")
		default:
			v.Status = pick(lang, "Bị từ chối: ", "Rejected: ") + last.Verification.Note
		}
	}
	return v
}
