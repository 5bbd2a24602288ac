package api

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/services/alerter"
)

// AlertFeed answers which alerts were sent last (services/alerter.Feed).
type AlertFeed interface {
	// Latest returns up to n alerts, newest first, of audience (a unit code
	// or "office"), or of every unit when audience is "".
	Latest(audience string, n int) []alerter.Message
}

// alertsScope returns whose alerts actor may read when asking for unit
// ("" for every unit): unit staff read their own unit's only.
func alertsScope(actor domain.Actor, unit string) (string, error) {
	if domain.Role(actor.Role).UnitScoped() {
		if unit != "" && unit != actor.Unit {
			return "", domain.ErrOtherUnit()
		}
		return actor.Unit, nil
	}
	if unit == "" || unit == "office" {
		return unit, nil
	}
	code, err := domain.NormalizeUnitCode("unit", unit)
	if err != nil {
		return "", err
	}
	return code, nil
}

// getAlerts answers GET /api/v1/alerts?unit=&limit=.
func (s *Server) getAlerts(c echo.Context) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	limit := 20
	if v := c.QueryParam("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 200 {
			return domain.Invalid("limit", "limit phải là số từ 1 đến 200", "limit must be a number from 1 to 200")
		}
	}
	scope, err := alertsScope(actor, c.QueryParam("unit"))
	if err != nil {
		return err
	}
	if s.cfg.Alerts == nil {
		return &domain.Error{Code: codeUnavailable, VI: "Chưa bật cảnh báo hạn", EN: "deadline alerts are not running"}
	}
	return c.JSON(http.StatusOK, map[string]any{"alerts": s.cfg.Alerts.Latest(scope, limit)})
}
