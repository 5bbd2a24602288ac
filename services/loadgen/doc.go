// Package loadgen drives a running camket over its HTTP API the way a
// province uses it: simulated unit heads report indicator values and task
// progress and complete tasks; simulated office staff verify reports,
// reopen and assign tasks; everyone reads the board and histories. It
// measures latency per operation, counts errors by kind (a 409 under
// contention is expected and counted apart from failures) and measures
// projection lag: the time from a write's answer to the board answering at
// that write's position (GET /api/v1/boards/{period}?after=POS).
//
// The crash harness of services/camket runs it with RetryWhenDown, so that
// a command whose answer was lost to a killed server is resent with the
// same X-Request-ID and If-Match; the If-Match makes the resend land at
// most once. Creates (task assignment) carry no If-Match and are never
// resent.
//
// It talks HTTP only; of camket it imports pkg/auth, to sign tokens.
package loadgen
