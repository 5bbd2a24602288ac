package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	apispec "github.com/camket/camket/api"
)

// routes registers every route of the API with its access rule. Handlers
// live in the files named after their resource.
func (s *Server) routes() {
	s.rules = map[string]Rule{}
	s.handle("GET", "/healthz", public, func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	s.handle("GET", "/readyz", public, s.readyz)
	s.handle("GET", "/metrics", public, echo.WrapHandler(s.metrics.handler()))
	s.handle("GET", "/api/v1/openapi.yaml", public, func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/yaml", apispec.OpenAPI)
	})

	s.handle("POST", "/api/v1/units", office, s.registerUnit)
	s.handle("GET", "/api/v1/units/:code", readers, s.getUnit)
	s.handle("POST", "/api/v1/units/:code/rename", office, s.renameUnit)
	s.handle("POST", "/api/v1/units/:code/head", office, s.changeUnitHead)
	s.handle("POST", "/api/v1/units/:code/signing-keys", office, s.registerSigningKey)
	s.handle("POST", "/api/v1/units/:code/signing-keys/:key/revoke", unitWork, s.revokeSigningKey)
	s.handle("GET", "/api/v1/commitments/:id/signing-content", readers, s.getSigningContent)

	s.handle("POST", "/api/v1/documents", office, s.issueDocument)
	s.handle("GET", "/api/v1/documents/:id", readers, s.getDocument)
	s.handle("POST", "/api/v1/documents/:id/tasks", office, s.assignTask)

	s.handle("GET", "/api/v1/tasks/:id", readers, s.getTask)
	s.handle("POST", "/api/v1/tasks/:id/progress", taskWork, s.reportTaskProgress)
	s.handle("POST", "/api/v1/tasks/:id/complete", taskWork, s.completeTask)
	s.handle("POST", "/api/v1/tasks/:id/extend", office, s.extendTask)
	s.handle("POST", "/api/v1/tasks/:id/reopen", office, s.reopenTask)
	s.handle("POST", "/api/v1/tasks/:id/cancel", office, s.cancelTask)

	s.handle("POST", "/api/v1/commitments", unitWork, s.draftCommitment)
	s.handle("GET", "/api/v1/commitments/:id", readers, s.getCommitment)
	s.handle("POST", "/api/v1/commitments/:id/indicators", unitWork, s.addIndicator)
	s.handle("PUT", "/api/v1/commitments/:id/indicators/:indicator", unitWork, s.updateIndicator)
	s.handle("DELETE", "/api/v1/commitments/:id/indicators/:indicator", unitWork, s.removeIndicator)
	s.handle("POST", "/api/v1/commitments/:id/sign", signing, s.signCommitment)
	s.handle("POST", "/api/v1/commitments/:id/amend", unitWork, s.amendCommitment)
	s.handle("POST", "/api/v1/commitments/:id/indicators/:indicator/reports", reporting, s.reportValue)
	s.handle("POST", "/api/v1/commitments/:id/indicators/:indicator/reports/:report/verify", office, s.verifyValue)
	s.handle("POST", "/api/v1/commitments/:id/indicators/:indicator/reports/:report/reject", office, s.rejectValue)

	s.handle("GET", "/api/v1/boards/:period", viewers, s.getBoard)
	s.handle("GET", "/api/v1/boards/:period/export.csv", viewers, s.exportBoard("csv"))
	s.handle("GET", "/api/v1/boards/:period/export.xlsx", viewers, s.exportBoard("xlsx"))

	s.handle("GET", "/api/v1/import/template.xlsx", importers, s.getImportTemplate)
	s.handle("POST", "/api/v1/import", importers, s.postImport)
	s.handle("GET", "/import", importers, s.getImportPage)
	s.handle("POST", "/import", importers, s.postImportPage)

	s.handle("GET", "/api/v1/history/:stream", historyReaders, s.getHistory)
	s.handle("GET", "/api/v1/history/:stream/export.csv", historyReaders, s.exportHistory("csv"))
	s.handle("GET", "/api/v1/history/:stream/export.jsonl", historyReaders, s.exportHistory("jsonl"))
	s.handle("GET", "/api/v1/boards/:period/diff", auditors, s.getBoardDiff)
	s.handle("GET", "/api/v1/audit/verify", auditors, s.verifyLog)

	s.handle("POST", "/api/v1/tasks/:id/extension-requests", taskWork, s.requestExtension)
	s.handle("POST", "/api/v1/tasks/:id/extension-requests/:request/approve", office, s.approveExtension)
	s.handle("POST", "/api/v1/tasks/:id/extension-requests/:request/refuse", office, s.refuseExtension)
	s.handle("POST", "/api/v1/evidence", uploaders, s.postEvidence)
	s.handle("GET", "/api/v1/evidence/:sha256", readers, s.getEvidence)
	s.handle("GET", "/api/v1/alerts", readers, s.getAlerts)

	s.handle("GET", "/api/v1/rules", readers, s.getRules)
	s.handle("POST", "/api/v1/rules", office, s.publishRules)

	s.webRoutes()
}

// handle registers a route with its rule; every route has one.
func (s *Server) handle(method, path string, rule Rule, h echo.HandlerFunc) {
	if !rule.Public && len(rule.Allow) == 0 {
		panic("api: route " + method + " " + path + " declares no rule")
	}
	s.rules[method+" "+path] = rule
	mw := []echo.MiddlewareFunc{s.authorize(rule)}
	if !rule.Public && s.tokenLimit != nil {
		mw = append(mw, s.tokenLimit)
	}
	s.echo.Add(method, path, h, mw...)
}

// RuleOf returns the rule declared for a route ("POST /api/v1/units").
func (s *Server) RuleOf(route string) (Rule, bool) {
	r, ok := s.rules[route]
	return r, ok
}

func (s *Server) readyz(c echo.Context) error {
	if err := s.ready(c.Request().Context()); err != nil {
		s.log.Warn("not ready", "err", err)
		return c.String(http.StatusServiceUnavailable, "not ready\n")
	}
	return c.String(http.StatusOK, "ready\n")
}
