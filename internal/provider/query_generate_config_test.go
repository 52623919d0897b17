package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/tfrun"
	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// skipBelowTerraform skips the test, saying why, when the Terraform that
// the acceptance tests use (tfrun.AcceptanceTerraform) is older than
// major.minor.
func skipBelowTerraform(t *testing.T, major, minor int) {
	t.Helper()
	bin := tfrun.AcceptanceTerraform()
	version, gotMajor, gotMinor, err := tfrun.Version(t.Context(), bin)
	if err != nil {
		t.Fatal(err)
	}
	if gotMajor < major || gotMajor == major && gotMinor < minor {
		t.Skipf("Terraform %s is below %d.%d: skipping (set TF_ACC_TERRAFORM_PATH to a newer Terraform; the TestProtocol_* tests "+
			"cover the same behaviour)", version, major, minor)
	}
}

// The adoption workflow of an existing account, with the real CLI:
// terraform query writes import and resource blocks for every identity,
// and the plan of that configuration imports them all and changes nothing.
func TestQueryGenerateConfigRoundTrips(t *testing.T) {
	t.Parallel()
	skipBelowTerraform(t, 1, 14)
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ana, ben, chloe := seedAccount(t, fake)
	// Every combination of primary and verified.
	if _, err := fake.AddIdentity(zendesktest.Identity{UserID: ben.ID, Type: "email", Value: "ben.old@example.org", Verified: true}); err != nil {
		t.Fatal(err)
	}
	users := []int64{ana.ID, ben.ID, chloe.ID}
	want := manageable(fake, users)

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	providerDir, cleanup, err := tfrun.BuildProvider(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	ws, err := tfrun.NewWorkspace(providerDir, map[string]string{
		"ZENDESK_URL":       fake.URL(),
		"ZENDESK_EMAIL":     zendesktest.DefaultEmail,
		"ZENDESK_API_TOKEN": zendesktest.DefaultAPIToken,
	}, map[string][]byte{
		"main.tf":           []byte(`provider "zendesk" {}` + "\n"),
		"adopt.tfquery.hcl": []byte(listBlock("existing", users)),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Remove()

	fake.ResetRequests()
	if err := ws.Run(ctx, 0, "query", "-generate-config-out=generated.tf", "-no-color"); err != nil {
		t.Fatal(err)
	}
	if got := routeCounts(fake); !maps.Equal(got, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1}) {
		t.Errorf("the query sent %v, want one show_many", got)
	}
	generated, err := os.ReadFile(filepath.Join(ws.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	// An import by identity and a resource that sets primary and verified
	// as they are, for each identity.
	for _, line := range []string{`identity = \{`, `primary\s+= (true|false)`, `verified\s+= (true|false)`, `value\s+= "`} {
		if n := len(regexp.MustCompile(`(?m)^\s+`+line).FindAll(generated, -1)); n != len(want) {
			t.Errorf("generated.tf has %d lines like %s, want %d:\n%s", n, line, len(want), generated)
		}
	}
	if t.Failed() {
		return
	}

	// The plan imports every identity and changes none.
	fake.ResetRequests()
	if err := ws.Run(ctx, 0, "plan", "-out=adopt.tfplan", "-no-color"); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	show := ws.Command(ctx, &out, "show", "-json", "adopt.tfplan")
	if err := show.Run(); err != nil {
		t.Fatalf("terraform show: %v\n%s", err, out.String())
	}
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions   []string       `json:"actions"`
				Importing map[string]any `json:"importing"`
				After     map[string]any `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(out.Bytes(), &plan); err != nil {
		t.Fatal(err)
	}
	var imported []string
	for _, rc := range plan.ResourceChanges {
		if !slices.Equal(rc.Change.Actions, []string{"no-op"}) || rc.Change.Importing == nil {
			t.Errorf("%s: actions %v, importing %v: want an import and no change", rc.Address, rc.Change.Actions, rc.Change.Importing)
		}
		imported = append(imported, fmt.Sprint(rc.Change.After["id"]))
	}
	var wantIDs []string
	for _, id := range want {
		wantIDs = append(wantIDs, fmt.Sprint(id.ID))
	}
	slices.Sort(imported)
	slices.Sort(wantIDs)
	if !slices.Equal(imported, wantIDs) {
		t.Errorf("the plan imports %v, want %v", imported, wantIDs)
	}
	for _, r := range fake.Requests() {
		if r.Method != http.MethodGet {
			t.Errorf("the plan sent %s %s", r.Method, r.Path)
		}
	}

	// Applied, the configuration holds the account as it is.
	if err := ws.Run(ctx, 0, "apply", "-auto-approve", "-no-color", "adopt.tfplan"); err != nil {
		t.Fatal(err)
	}
	if err := ws.Run(ctx, 0, "plan", "-detailed-exitcode", "-no-color"); err != nil {
		t.Errorf("the plan after the adoption is not empty: %v", err)
	}
	for _, id := range want {
		if got, ok := fake.Identity(id.ID); !ok || got.Value != id.Value || got.Primary != id.Primary || got.Verified != id.Verified {
			t.Errorf("identity %d changed: %+v, was %+v", id.ID, got, id)
		}
	}
}

func routeCounts(fake *zendesktest.Server) map[zendesktest.Route]int {
	out := map[zendesktest.Route]int{}
	for _, r := range fake.Requests() {
		out[r.Route]++
	}
	return out
}
