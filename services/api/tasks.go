package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
)

func (s *Server) taskResource(ctx context.Context, c echo.Context) (Resource, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return Resource{}, err
	}
	return resource(s.svc.Task(ctx, id))
}

func (s *Server) getTask(c echo.Context) error { return s.read(s.taskResource, true)(c) }

// taskCommand runs a command on the task named by the path.
func taskCommand[T any](s *Server, run func(svc *app.Service, ctx context.Context, call app.Call, id string, body T) (app.Result, error)) echo.HandlerFunc {
	return command(s, http.StatusOK, s.taskResource, func(ctx context.Context, call app.Call, c echo.Context, body T) (app.Result, error) {
		id, err := idParam(c, "id")
		if err != nil {
			return app.Result{}, err
		}
		return run(s.svc, ctx, call, id, body)
	})
}

func (s *Server) reportTaskProgress(c echo.Context) error {
	return taskCommand(s, (*app.Service).ReportTaskProgress)(c)
}

func (s *Server) completeTask(c echo.Context) error {
	return taskCommand(s, (*app.Service).CompleteTask)(c)
}

func (s *Server) extendTask(c echo.Context) error {
	return taskCommand(s, (*app.Service).ExtendTaskDeadline)(c)
}

func (s *Server) reopenTask(c echo.Context) error {
	return taskCommand(s, (*app.Service).ReopenTask)(c)
}

func (s *Server) cancelTask(c echo.Context) error {
	return taskCommand(s, (*app.Service).CancelTask)(c)
}

// requestExtension answers POST /api/v1/tasks/:id/extension-requests: the
// lead unit asks to move the deadline (201, Result.ID is the request).
func (s *Server) requestExtension(c echo.Context) error {
	return command(s, http.StatusCreated, s.taskResource, func(ctx context.Context, call app.Call, c echo.Context, body domain.ExtendDeadline) (app.Result, error) {
		id, err := idParam(c, "id")
		if err != nil {
			return app.Result{}, err
		}
		return s.svc.RequestTaskExtension(ctx, call, id, body)
	})(c)
}

func (s *Server) approveExtension(c echo.Context) error {
	return commandNoBody(s, s.taskResource, func(ctx context.Context, call app.Call, c echo.Context) (app.Result, error) {
		id, req, err := taskAndRequest(c)
		if err != nil {
			return app.Result{}, err
		}
		return s.svc.ApproveTaskExtension(ctx, call, id, req)
	})(c)
}

func (s *Server) refuseExtension(c echo.Context) error {
	return command(s, http.StatusOK, s.taskResource, func(ctx context.Context, call app.Call, c echo.Context, body domain.ReasonCommand) (app.Result, error) {
		id, req, err := taskAndRequest(c)
		if err != nil {
			return app.Result{}, err
		}
		return s.svc.RefuseTaskExtension(ctx, call, id, req, body)
	})(c)
}

func taskAndRequest(c echo.Context) (string, string, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return "", "", err
	}
	req, err := idParam(c, "request")
	return id, req, err
}
