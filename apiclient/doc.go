// Package apiclient is a Go client of Outbound's API, generated from its contract
// (api/openapi.yaml) by oapi-codegen: one method per operation, named by its operationId, and
// typed answers. It is checked in; `make lint` fails when it is not the contract's.
package apiclient

//go:generate go tool oapi-codegen -config config.yaml -o client.gen.go ../api/openapi.yaml
