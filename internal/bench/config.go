package main

import (
	"encoding/json"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/tfrun"
	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// config declares the identities from a variable, so the workspace holds
// one small file and a tfvars JSON of any size.
const config = `
variable "identities" {
  type = map(object({
    user_id = number
    type    = string
    value   = string
  }))
}

resource "zendesk_user_identity" "this" {
  for_each = var.identities

  user_id = each.value.user_id
  type    = each.value.type
  value   = each.value.value
}
`

// declared is one identity of the configuration.
type declared struct {
	key, typ, value string
	userID          int64
}

// workspace writes the configuration and its identities for the provider
// build in providerDir, pointed at the fake at url.
func workspace(providerDir, url string, identities []declared) (*tfrun.Workspace, error) {
	vars := map[string]map[string]any{}
	for _, d := range identities {
		vars[d.key] = map[string]any{"user_id": d.userID, "type": d.typ, "value": d.value}
	}
	tfvars, err := json.Marshal(map[string]any{"identities": vars})
	if err != nil {
		return nil, err
	}
	env := map[string]string{
		"ZENDESK_URL":       url,
		"ZENDESK_EMAIL":     zendesktest.DefaultEmail,
		"ZENDESK_API_TOKEN": zendesktest.DefaultAPIToken,
	}
	files := map[string][]byte{"main.tf": []byte(config), "identities.auto.tfvars.json": tfvars}
	return tfrun.NewWorkspace(providerDir, env, files)
}
