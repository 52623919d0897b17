package provider

import (
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/zclconf/go-cty/cty"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// The examples that use Terraform 1.12 and 1.14 features (identity
// imports, list blocks, actions) are validated by `make validate-examples`
// only when such a Terraform is at hand. Whatever the Terraform, this test
// parses every example and checks those blocks against the provider: the
// type exists, each argument is in its schema, and the provider's own
// validation accepts the values (references to other objects are unknown).
func TestExamples_newBlocksValidateAgainstTheProvider(t *testing.T) {
	t.Parallel()
	e := newProtocolEnv(t, zendesktest.Options{})
	identityAttrs := map[string]bool{}
	resp, err := e.server.GetResourceIdentitySchemas(e.ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range resp.IdentitySchemas["zendesk_user_identity"].IdentityAttributes {
		identityAttrs[a.Name] = a.RequiredForImport
	}

	parser := hclparse.NewParser()
	checked := map[string]int{}
	err = filepath.WalkDir("../../examples", func(path string, d fs.DirEntry, err error) error {
		isExample := strings.HasSuffix(path, ".tf") || strings.HasSuffix(path, ".tfquery.hcl")
		if err != nil || d.IsDir() || !isExample {
			return err
		}
		file, diags := parser.ParseHCLFile(path)
		if diags.HasErrors() {
			t.Errorf("%s: %s", path, diags.Error())
			return nil
		}
		content, _ := file.Body.Content(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
			{Type: "action", LabelNames: []string{"type", "name"}},
			{Type: "list", LabelNames: []string{"type", "name"}},
			{Type: "import"},
		}})
		for _, block := range content.Blocks {
			where := path + ": " + block.Type + " " + strings.Join(block.Labels, ".")
			switch block.Type {
			case "action":
				s := e.schema.ActionSchemas[block.Labels[0]]
				if s == nil {
					t.Errorf("%s: the provider has no such action", where)
					continue
				}
				config := configArguments(t, where, block, s.Schema.Block)
				resp, err := e.server.ValidateActionConfig(e.ctx, &tfprotov6.ValidateActionConfigRequest{
					ActionType: block.Labels[0], Config: e.dynamic(s.Schema.ValueType(), config),
				})
				if err != nil {
					t.Fatal(err)
				}
				requireNoErrors(t, where, resp.Diagnostics)
				checked["action"]++
			case "list":
				s := e.schema.ListResourceSchemas[block.Labels[0]]
				if s == nil {
					t.Errorf("%s: the provider has no such list resource", where)
					continue
				}
				config := configArguments(t, where, block, s.Block)
				resp, err := e.server.ValidateListResourceConfig(e.ctx, &tfprotov6.ValidateListResourceConfigRequest{
					TypeName: block.Labels[0], Config: e.dynamic(s.ValueType(), config),
				})
				if err != nil {
					t.Fatal(err)
				}
				requireNoErrors(t, where, resp.Diagnostics)
				checked["list"]++
			case "import":
				attrs, _ := block.Body.JustAttributes()
				identity, ok := attrs["identity"]
				if !ok {
					continue
				}
				value, diags := identity.Expr.Value(nil)
				if diags.HasErrors() || !value.Type().IsObjectType() {
					t.Errorf("%s: identity is not an object of literal values: %s", where, diags.Error())
					continue
				}
				for name := range value.Type().AttributeTypes() {
					if _, ok := identityAttrs[name]; !ok {
						t.Errorf("%s: identity.%s is not in the resource identity", where, name)
					} else if !value.GetAttr(name).Type().Equals(cty.Number) {
						t.Errorf("%s: identity.%s is not a number", where, name)
					}
				}
				for name, required := range identityAttrs {
					if required && !value.Type().HasAttribute(name) {
						t.Errorf("%s: identity.%s is required for import", where, name)
					}
				}
				checked["identity import"]++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Every kind is exemplified somewhere.
	for _, kind := range []string{"action", "list", "identity import"} {
		if checked[kind] == 0 {
			t.Errorf("no example has an %s block", kind)
		}
	}
}

// configArguments evaluates the arguments of a block's config block, each
// checked against the schema: literal values as they are, references as
// unknown.
func configArguments(t *testing.T, where string, block *hcl.Block, schema *tfprotov6.SchemaBlock) map[string]any {
	t.Helper()
	content, diags := block.Body.Content(&hcl.BodySchema{
		Blocks:     []hcl.BlockHeaderSchema{{Type: "config"}},
		Attributes: []hcl.AttributeSchema{{Name: "provider"}, {Name: "include_resource"}, {Name: "limit"}, {Name: "count"}, {Name: "for_each"}},
	})
	if diags.HasErrors() || len(content.Blocks) != 1 {
		t.Errorf("%s: want one config block: %s", where, diags.Error())
		return map[string]any{}
	}
	attrs, diags := content.Blocks[0].Body.JustAttributes()
	if diags.HasErrors() {
		t.Errorf("%s: %s", where, diags.Error())
	}
	out := map[string]any{}
	for name, attr := range attrs {
		if !slices.ContainsFunc(schema.Attributes, func(a *tfprotov6.SchemaAttribute) bool { return a.Name == name }) {
			t.Errorf("%s: config has no argument %q", where, name)
			continue
		}
		value, diags := attr.Expr.Value(nil)
		if diags.HasErrors() {
			out[name] = unknown // a reference to another object
			continue
		}
		out[name] = ctyToGo(t, where, value)
	}
	return out
}

// ctyToGo converts a literal to the Go values tfValue takes.
func ctyToGo(t *testing.T, where string, v cty.Value) any {
	t.Helper()
	switch {
	case v.IsNull():
		return nil
	case v.Type() == cty.String:
		return v.AsString()
	case v.Type() == cty.Number:
		n, _ := v.AsBigFloat().Int64()
		return n
	case v.Type() == cty.Bool:
		return v.True()
	case v.Type().IsTupleType() || v.Type().IsListType():
		var out []any
		for _, el := range v.AsValueSlice() {
			out = append(out, ctyToGo(t, where, el))
		}
		if out == nil {
			out = []any{}
		}
		return out
	}
	t.Errorf("%s: unexpected value %#v", where, v)
	return nil
}
