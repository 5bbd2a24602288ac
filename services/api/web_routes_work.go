package api

// workPages are the workspace's page routes: they take the session cookie
// and are not part of the API contract.
var workPages = map[string]bool{
	"/my": true, "/my/report": true, "/my/tasks/:id/progress": true, "/my/tasks/:id/complete": true,
	"/my/tasks/:id/extension": true, "/my/commitments/:id/sign": true,
	"/office": true, "/office/reports/verify": true, "/office/reports/reject": true,
	"/office/extensions/approve": true, "/office/extensions/refuse": true,
	"/office/plan": true, "/office/documents": true, "/office/tasks": true, "/office/commitments": true,
}

// workRoutes registers the workspace pages: the unit's own page and its
// forms, the signing page, and the office's queue and planning pages.
func (w *web) workRoutes() {
	s := w.Server
	s.handle("GET", "/my", unitStaff, w.myPage)
	s.handle("POST", "/my/report", reporting, w.postReport)
	s.handle("POST", "/my/tasks/:id/progress", taskWork, w.postTaskProgress)
	s.handle("POST", "/my/tasks/:id/complete", taskWork, w.postTaskComplete)
	s.handle("POST", "/my/tasks/:id/extension", taskWork, w.postExtensionRequest)
	s.handle("GET", "/my/commitments/:id/sign", signing, w.getSignPage)
	s.handle("POST", "/my/commitments/:id/sign", signing, w.postSign)

	s.handle("GET", "/office", office, w.officeQueuePage)
	s.handle("POST", "/office/reports/verify", office, w.postVerify)
	s.handle("POST", "/office/reports/reject", office, w.postReject)
	s.handle("POST", "/office/extensions/approve", office, w.postApproveExtension)
	s.handle("POST", "/office/extensions/refuse", office, w.postRefuseExtension)
	s.handle("GET", "/office/plan", office, w.getPlanPage)
	s.handle("POST", "/office/documents", office, w.postDocument)
	s.handle("POST", "/office/tasks", office, w.postTask)
	s.handle("POST", "/office/commitments", office, w.postDrafts)
}
