package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
)

// Resource is how every aggregate is represented: its state and the
// revision that an If-Match must name to change it.
type Resource struct {
	Revision uint64 `json:"revision"`
	State    any    `json:"state"`
	// empty is true for a resource whose stream has no events yet (the
	// rule set before its first version): its ETag is "new", not "0".
	empty bool
}

func (r Resource) etag() string {
	if r.empty {
		return `"new"`
	}
	return etag(r.Revision)
}

// getter loads the current representation of the resource a request names.
type getter func(ctx context.Context, c echo.Context) (Resource, error)

// call builds the app.Call of a request: the identified actor, the request
// id as correlation id, and the If-Match revision.
func (s *Server) call(c echo.Context) (app.Call, error) {
	actor, err := actorOf(c)
	if err != nil {
		return app.Call{}, err
	}
	call := app.Call{Actor: actor, CorrelationID: c.Response().Header().Get(echo.HeaderXRequestID)}
	if h := strings.TrimSpace(c.Request().Header.Get("If-Match")); h != "" {
		rev, ok := parseETag(h)
		if !ok {
			return app.Call{}, malformed("If-Match", "If-Match phải là ETag đã nhận, ví dụ \"3\"", `If-Match must be an ETag you received, such as "3"`)
		}
		call.IfMatch = &rev
	}
	return call, nil
}

func etag(rev uint64) string { return `"` + strconv.FormatUint(rev, 10) + `"` }

func parseETag(h string) (uint64, bool) {
	if h == "*" {
		return app.AnyRevision, true
	}
	if h == `"new"` {
		return app.NoRevision, true
	}
	h = strings.TrimPrefix(h, "W/")
	h = strings.Trim(h, `"`)
	rev, err := strconv.ParseUint(h, 10, 64)
	return rev, err == nil && rev < app.NoRevision
}

// command runs a command whose body decodes into T and answers with
// respond.
func command[T any](s *Server, status int, current getter, run func(ctx context.Context, call app.Call, c echo.Context, body T) (app.Result, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		call, err := s.call(c)
		if err != nil {
			return err
		}
		var body T
		if err := s.decodeJSON(c, &body); err != nil {
			return err
		}
		res, err := run(c.Request().Context(), call, c, body)
		return s.respond(c, status, current, res, err)
	}
}

// respond answers a command: on success status with the result and the new
// ETag; on a conflict 409 with the resource's current representation.
func (s *Server) respond(c echo.Context, status int, current getter, res app.Result, err error) error {
	if err != nil {
		if domain.ErrorCode(err) == domain.CodeConflict && current != nil {
			if cur, gerr := current(c.Request().Context(), c); gerr == nil {
				c.Response().Header().Set("ETag", cur.etag())
				return &withCurrent{err: err, current: cur}
			}
		}
		return err
	}
	c.Response().Header().Set("ETag", etag(res.Revision))
	return c.JSON(status, res)
}

// commandNoBody runs a command that takes no input: the body may be
// absent, or an empty JSON object.
func commandNoBody(s *Server, current getter, run func(ctx context.Context, call app.Call, c echo.Context) (app.Result, error)) echo.HandlerFunc {
	type empty struct{}
	return func(c echo.Context) error {
		call, err := s.call(c)
		if err != nil {
			return err
		}
		if c.Request().ContentLength != 0 {
			if err := s.decodeJSON(c, &empty{}); err != nil {
				return err
			}
		}
		res, err := run(c.Request().Context(), call, c)
		return s.respond(c, http.StatusOK, current, res, err)
	}
}

// read answers a GET with the resource and its ETag. For a resource whose
// representation depends only on its revision (pure), If-None-Match with
// the same ETag gets 304; computed views (completion by the rules in force,
// rules in force today) are always sent.
func (s *Server) read(get getter, pure bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		res, err := get(c.Request().Context(), c)
		if err != nil {
			return err
		}
		tag := res.etag()
		c.Response().Header().Set("ETag", tag)
		if pure && c.Request().Header.Get("If-None-Match") == tag {
			return c.NoContent(http.StatusNotModified)
		}
		return c.JSON(http.StatusOK, res)
	}
}

func resource(state any, v eventlog.Version, err error) (Resource, error) {
	if err != nil {
		return Resource{}, err
	}
	return Resource{Revision: v.Revision, State: state}, nil
}

// idParam returns path parameter name as a UUID string; anything else
// cannot name a resource and is not found.
func idParam(c echo.Context, name string) (string, error) {
	id, err := uuid.Parse(c.Param(name))
	if err != nil {
		return "", domain.NotFound(name, "Mã không hợp lệ nên không có đối tượng này", "no such resource: the id is not valid")
	}
	return id.String(), nil
}

func unitParam(c echo.Context) (string, error) {
	code, err := domain.NormalizeUnitCode("code", c.Param("code"))
	if err != nil {
		return "", domain.NotFound("code", "Không tìm thấy đơn vị", "unit not found")
	}
	return code, nil
}
