package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/domain"
)

// Rule is the access rule every route declares: who may call it. Rules
// about whose data (a unit head only for their own unit) are enforced by
// the app service once it has loaded the data; OwnUnit records that the
// route is subject to it, for the docs and the route × role test.
type Rule struct {
	Public  bool          // no identity needed
	Allow   []domain.Role // roles that may call it
	OwnUnit bool          // unit-scoped roles only for their own unit
	// PublicOption marks the board's read routes: with Config.PublicBoard
	// on, a caller without credentials reads them as an anonymous viewer.
	PublicOption bool
}

// Rule sets used by the routes.
var (
	public = Rule{Public: true}
	// readers: everyone signed in but viewers (who see the board only).
	readers = Rule{Allow: []domain.Role{domain.RoleAdmin, domain.RoleOffice, domain.RoleAuditor, domain.RoleUnitHead, domain.RoleReporter}}
	// office: the provincial office's work.
	office = Rule{Allow: []domain.Role{domain.RoleAdmin, domain.RoleOffice}}
	// unitWork: the office, or a unit's own head.
	unitWork = Rule{Allow: []domain.Role{domain.RoleAdmin, domain.RoleOffice, domain.RoleUnitHead}, OwnUnit: true}
	// taskWork: progress and completion of a task, by its lead unit's staff or the office.
	taskWork = Rule{Allow: []domain.Role{domain.RoleAdmin, domain.RoleOffice, domain.RoleUnitHead, domain.RoleReporter}, OwnUnit: true}
	// reporting: indicator values come from the unit itself, never from the
	// office that verifies them.
	reporting = Rule{Allow: []domain.Role{domain.RoleAdmin, domain.RoleUnitHead, domain.RoleReporter}, OwnUnit: true}
	// signing: only the unit's own head signs its commitment.
	signing = Rule{Allow: []domain.Role{domain.RoleUnitHead}, OwnUnit: true}
)

func (r Rule) allows(role domain.Role) bool {
	for _, a := range r.Allow {
		if a == role {
			return true
		}
	}
	return false
}

// publicViewer is the actor of an anonymous reader of a public board.
var publicViewer = domain.Actor{Subject: "public", Role: string(domain.RoleViewer)}

// anonymous reports whether r carries no credentials at all; a wrong
// token is still refused, public board or not.
func anonymous(r *http.Request) bool {
	if r.Header.Get("Authorization") != "" {
		return false
	}
	_, err := r.Cookie(sessionCookie)
	return err != nil
}

// actorKey is where authorize leaves the request's actor.
const actorKey = "camket.actor"

// authorize identifies the caller (401 when it cannot) and checks the
// route's rule (403 when the role may not call it).
func (s *Server) authorize(rule Rule) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if rule.Public {
				return next(c)
			}
			actor, err := s.identify(c.Request())
			if err != nil && rule.PublicOption && s.cfg.PublicBoard && anonymous(c.Request()) &&
				domain.ErrorCode(err) == domain.CodeUnauthenticated {
				actor, err = publicViewer, nil
			}
			if err != nil {
				return err
			}
			if !rule.allows(domain.Role(actor.Role)) {
				return domain.Forbidden("Vai trò của bạn không được phép thực hiện thao tác này", "your role may not do this")
			}
			c.Set(actorKey, actor)
			return next(c)
		}
	}
}

// actorOf returns the actor authorize identified.
func actorOf(c echo.Context) (domain.Actor, error) {
	a, ok := c.Get(actorKey).(domain.Actor)
	if !ok {
		return domain.Actor{}, &domain.Error{Code: domain.CodeUnauthenticated, VI: "Chưa xác thực", EN: "not authenticated"}
	}
	return a, nil
}
