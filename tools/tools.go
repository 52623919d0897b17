//go:build generate

// Package tools pins the tools that generate the provider's documentation.
package tools

import (
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)

// Format the examples; write the provider's schemas as
// `terraform providers schema -json` does, from the provider itself, so
// that the pages of its resource identity, list resource and action (which
// Terraform before 1.14 does not describe) never depend on the Terraform on
// PATH; then generate docs/ from those schemas, templates/ and examples/.
//go:generate terraform fmt -recursive ../examples/
//go:generate go -C .. run ./internal/providerschema/cmd/providerschema -o tools/providers-schema.json
//go:generate go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate --provider-dir .. --provider-name zendesk --providers-schema providers-schema.json
