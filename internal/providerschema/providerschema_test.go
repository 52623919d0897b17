package providerschema_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/provider"
	"github.com/tfzendesk/terraform-provider-zendesk/internal/providerschema"
	"github.com/tfzendesk/terraform-provider-zendesk/internal/tfrun"
)

func export(t *testing.T) *tfjson.ProviderSchema {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := providerschema.Export(t.Context(), server, "zendesk")
	if err != nil {
		t.Fatal(err)
	}
	return schemas.Schemas["zendesk"]
}

// The pages that Terraform 1.11 cannot describe are in the export.
func TestExport_coversEveryKindOfSchema(t *testing.T) {
	t.Parallel()
	s := export(t)
	for what, ok := range map[string]bool{
		"the provider":                    s.ConfigSchema.Block.Attributes["subdomain"] != nil,
		"the resource":                    s.ResourceSchemas["zendesk_user_identity"] != nil,
		"the data source":                 s.DataSourceSchemas["zendesk_user_identities"] != nil,
		"the resource identity":           s.ResourceIdentitySchemas["zendesk_user_identity"] != nil,
		"the list resource":               s.ListResourceSchemas["zendesk_user_identity"] != nil,
		"the action":                      s.ActionSchemas["zendesk_user_identity_request_verification"] != nil,
		"the identity's required user_id": s.ResourceIdentitySchemas["zendesk_user_identity"].Attributes["user_id"].RequiredForImport,
	} {
		if !ok {
			t.Errorf("the export lacks %s", what)
		}
	}
}

// The export is what Terraform itself writes, for every kind of schema the
// Terraform at hand (TF_ACC_TERRAFORM_PATH, or the one on PATH) describes:
// all of them from Terraform 1.14.
func TestExport_matchesTerraform(t *testing.T) {
	t.Parallel()
	bin := tfrun.AcceptanceTerraform()
	version, major, minor, err := tfrun.Version(t.Context(), bin)
	if err != nil {
		t.Fatal(err)
	}
	got := export(t)
	if major == 1 && minor < 14 {
		t.Logf("Terraform %s describes no list resources and actions: comparing the rest (set TF_ACC_TERRAFORM_PATH to "+
			"Terraform 1.14 or later to compare everything)", version)
		got.ListResourceSchemas, got.ActionSchemas = nil, nil
	}
	if major == 1 && minor < 12 {
		got.ResourceIdentitySchemas = nil
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	providerDir, cleanup, err := tfrun.BuildProvider(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	ws, err := tfrun.NewWorkspace(providerDir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Remove()
	var out, stderr bytes.Buffer
	cmd := ws.Command(ctx, &stderr, "providers", "schema", "-json")
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("terraform providers schema: %v\n%s", err, stderr.String())
	}
	var fromTerraform tfjson.ProviderSchemas
	if err := json.Unmarshal(out.Bytes(), &fromTerraform); err != nil {
		t.Fatal(err)
	}
	want := fromTerraform.Schemas[tfrun.ProviderSource]
	if want == nil {
		t.Fatalf("terraform described no %s: %s", tfrun.ProviderSource, out.String())
	}
	if !reflect.DeepEqual(roundTrip(t, got), roundTrip(t, want)) {
		t.Errorf("the export differs from Terraform %s's:\n%s\nwant\n%s", version, roundTrip(t, got), roundTrip(t, want))
	}
}

// roundTrip is the JSON of s, which is how the two are compared.
func roundTrip(t *testing.T, s *tfjson.ProviderSchema) string {
	t.Helper()
	b, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
