package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/app"
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
