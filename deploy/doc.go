// Package deploy holds camket's deployment files (Dockerfile, NATS and
// EventStoreDB settings, Kubernetes manifests) and, in its tests, their
// validation: docker-compose.yml loaded with the compose-spec library, the
// Dockerfile's final stage checked, and every kustomize overlay built and
// checked by kubeconform against Kubernetes' own OpenAPI spec. No Docker
// engine or cluster runs here: these tests parse and validate only.
//
// It has no code that runs in camket and imports nothing from it.
package deploy
