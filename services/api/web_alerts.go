package api

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/services/alerter"
)

// alertView is one line of the board page's latest alerts.
type alertView struct {
	When, Unit, Kind, Title, Deadline, State string
	Overdue, Late                            bool
}

// boardAlertsShown is how many alerts the board page lists.
const boardAlertsShown = 10

// pageAlerts returns the latest alerts the signed-in actor may read:
// their own unit's for unit staff, every unit's for the office, admins
// and auditors, none for viewers and anonymous readers.
func (s *web) pageAlerts(c echo.Context, lang string) []alertView {
	actor, err := actorOf(c)
	if err != nil || s.cfg.Alerts == nil || domain.Role(actor.Role) == domain.RoleViewer {
		return nil
	}
	scope, err := alertsScope(actor, "")
	if err != nil {
		return nil
	}
	var out []alertView
	for _, a := range s.cfg.Alerts.Latest(scope, boardAlertsShown) {
		out = append(out, viewAlert(a, lang))
	}
	return out
}

func viewAlert(a alerter.Message, lang string) alertView {
	v := alertView{When: a.At.In(domain.Location).Format("02/01/2006 15:04"), Unit: a.Item.Unit, Title: a.Item.Title,
		Deadline: a.DeadlineDisplay, Overdue: a.DaysOverdue > 0, Late: a.Late}
	en := lang == "en"
	switch kind := string(a.Kind); {
	case kind == "overdue":
		v.Kind = pick(lang, "Quá hạn", "Overdue")
	case kind == "due_today":
		v.Kind = pick(lang, "Đến hạn hôm nay", "Due today")
	case strings.HasPrefix(kind, "due_in_"):
		n := strings.TrimSuffix(strings.TrimPrefix(kind, "due_in_"), "d")
		v.Kind = pick(lang, "Còn "+n+" ngày", "Due in "+n+" days")
	default:
		v.Kind = kind
	}
	switch {
	case a.DaysOverdue > 0 && en:
		v.State = strconv.Itoa(a.DaysOverdue) + " days overdue"
	case a.DaysOverdue > 0:
		v.State = "quá hạn " + strconv.Itoa(a.DaysOverdue) + " ngày"
	case en:
		v.State = strconv.Itoa(a.DaysLeft) + " days left"
	default:
		v.State = "còn " + strconv.Itoa(a.DaysLeft) + " ngày"
	}
	return v
}
