// Package api is camket's HTTP command and read API on Echo, under /api/v1,
// with the contract in api/openapi.yaml. Handlers decode strictly, call the
// app service, and turn errors into application/problem+json in one place
// (problem.go).
//
// It imports the app service and the domain; it never constructs a store,
// a NATS connection or any other backend (services/camket wires those).
package api
