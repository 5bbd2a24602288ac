package api

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/projection"
)

// unitPage is a unit's drill-down for a period: each commitment with each
// indicator's target, latest reported and verified values, evidence and a
// link to its history.
type unitPage struct {
	pageBase
	Code, Name, Period string
	BoardURL           template.URL
	Commitments        []unitCommitment
}

type unitCommitment struct {
	Title, Status, HistoryURL string
	Indicators                []unitIndicator
}

type unitIndicator struct {
	Name, Target, Weight, Reported, ReportedOn, Verified, Status, Due string
	Achieved                                                          bool
	Evidence                                                          []string
}

// unitDrillDown answers GET /units/:code?period=2021-Q2 (the board rows
// link here).
func (s *web) unitDrillDown(c echo.Context) error {
	lang := langOf(c)
	code, err := unitParam(c)
	if err != nil {
		return s.renderError(c, http.StatusNotFound, pick(lang, "Không tìm thấy đơn vị", "unit not found"))
	}
	period, verr := domain.ParsePeriod("period", c.QueryParam("period"))
	if verr != nil {
		return s.renderError(c, http.StatusUnprocessableEntity, pick(lang, verr.VI, verr.EN))
	}
	ctx := c.Request().Context()
	unit, _, err := s.svc.Unit(ctx, code)
	if err != nil {
		return s.renderError(c, http.StatusNotFound, pick(lang, "Không tìm thấy đơn vị", "unit not found"))
	}
	page := unitPage{pageBase: newPageBase(c, lang), Code: code, Name: unit.Name, Period: period.String(),
		BoardURL: template.URL("/?" + url.Values{"period": {period.String()}, "lang": {lang}}.Encode())}
	page.CSRF = csrfValue(c)
	var ids []string
	if s.cfg.Boards != nil {
		b, err := s.cfg.Boards.Board(ctx, boardQueryFor(period, code))
		if err != nil {
			return err
		}
		for _, r := range b.Rows {
			if r.Unit == code {
				ids = r.Commitments
			}
		}
	}
	asOf := domain.AsOf{Date: period.End()}
	for _, id := range ids {
		st, _, err := s.svc.Commitment(ctx, id)
		if err != nil {
			return err
		}
		uc := unitCommitment{Title: st.Title, Status: string(st.Status), HistoryURL: "/api/v1/history/commitment-" + id}
		for _, ind := range st.Indicators {
			v := describeIndicator(ind, asOf, lang)
			ui := unitIndicator{Name: v.Name, Weight: v.Weight, Due: v.Due, Target: v.Target, Reported: v.Reported, ReportedOn: v.ReportedOn,
				Verified: v.Verified, Status: v.Status, Achieved: ind.Achieved(asOf, domain.ModeVerified)}
			for _, e := range v.Evidence {
				ui.Evidence = append(ui.Evidence, e.Title)
			}
			uc.Indicators = append(uc.Indicators, ui)
		}
		page.Commitments = append(page.Commitments, uc)
	}
	return s.render(c, http.StatusOK, "unit.html", page)
}

func boardQueryFor(p domain.Period, code string) (q projection.Query) {
	q.Period, q.Search = p, code
	return q
}

func targetText(ind domain.Indicator, lang string) string {
	if ind.Measure == domain.MeasureBoolean {
		return pick(lang, "Có", "Yes")
	}
	op := "≥ "
	if ind.Direction == domain.AtMost {
		op = "≤ "
	}
	return op + valueText(ind, ind.Target, lang)
}

func valueText(ind domain.Indicator, v float64, lang string) string {
	switch ind.Measure {
	case domain.MeasureBoolean:
		if v == 1 {
			return pick(lang, "Có", "Yes")
		}
		return pick(lang, "Không", "No")
	case domain.MeasurePercent:
		return percentText(&v, lang)
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if lang == "vi" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}
