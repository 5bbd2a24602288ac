// Package api holds camket's published contracts: the HTTP API
// (openapi.yaml), the NATS subjects (asyncapi.yaml) and the JSON Schemas of
// events. The files are embedded so the server can serve the spec it was
// built with.
package api

import _ "embed"

// OpenAPI is the HTTP contract, served at /api/v1/openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte

// AsyncAPI is the NATS contract: alert subjects and payloads.
//
//go:embed asyncapi.yaml
var AsyncAPI []byte
