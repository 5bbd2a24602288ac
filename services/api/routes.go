package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	apispec "github.com/camket/camket/api"
)

// routes registers every route of the API. Handlers live in the files named
// after their resource.
func (s *Server) routes() {
	e := s.echo
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", echo.WrapHandler(s.metrics.handler()))

	v1 := e.Group("/api/v1")
	v1.GET("/openapi.yaml", func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/yaml", apispec.OpenAPI)
	})

	v1.POST("/units", s.registerUnit)
	v1.GET("/units/:code", s.getUnit)
	v1.POST("/units/:code/rename", s.renameUnit)
	v1.POST("/units/:code/head", s.changeUnitHead)

	v1.POST("/documents", s.issueDocument)
	v1.GET("/documents/:id", s.getDocument)
	v1.POST("/documents/:id/tasks", s.assignTask)

	v1.GET("/tasks/:id", s.getTask)
	v1.POST("/tasks/:id/progress", s.reportTaskProgress)
	v1.POST("/tasks/:id/complete", s.completeTask)
	v1.POST("/tasks/:id/extend", s.extendTask)
	v1.POST("/tasks/:id/reopen", s.reopenTask)
	v1.POST("/tasks/:id/cancel", s.cancelTask)

	v1.POST("/commitments", s.draftCommitment)
	v1.GET("/commitments/:id", s.getCommitment)
	v1.POST("/commitments/:id/indicators", s.addIndicator)
	v1.PUT("/commitments/:id/indicators/:indicator", s.updateIndicator)
	v1.DELETE("/commitments/:id/indicators/:indicator", s.removeIndicator)
	v1.POST("/commitments/:id/sign", s.signCommitment)
	v1.POST("/commitments/:id/amend", s.amendCommitment)
	v1.POST("/commitments/:id/indicators/:indicator/reports", s.reportValue)
	v1.POST("/commitments/:id/indicators/:indicator/reports/:report/verify", s.verifyValue)
	v1.POST("/commitments/:id/indicators/:indicator/reports/:report/reject", s.rejectValue)

	v1.GET("/rules", s.getRules)
	v1.POST("/rules", s.publishRules)
}

func (s *Server) readyz(c echo.Context) error {
	if err := s.ready(c.Request().Context()); err != nil {
		s.log.Warn("not ready", "err", err)
		return c.String(http.StatusServiceUnavailable, "not ready\n")
	}
	return c.String(http.StatusOK, "ready\n")
}
