// Package providerschema renders a provider's schemas in the JSON form of
// `terraform providers schema -json`, asking the provider server itself.
//
// The documentation is generated from that JSON. Taken from the Terraform
// CLI, it would depend on the CLI's version: Terraform before 1.12 leaves
// out resource identities, and before 1.14 list resources and actions, so
// their pages would come and go with the machine that runs `make docs`.
package providerschema

import (
	"context"
	"errors"
	"fmt"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"
)

// formatVersion is the version of the JSON format that Terraform 1.14
// writes.
const formatVersion = "1.0"

// Server is what Export asks: the schemas of a protocol 6 provider, with
// its resource identities.
type Server interface {
	GetProviderSchema(context.Context, *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error)
	GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error)
}

// Export returns the schemas of the provider served by server, keyed by
// name as Terraform keys them by provider address.
func Export(ctx context.Context, server Server, name string) (*tfjson.ProviderSchemas, error) {
	schema, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	if err := diagnosticsError("GetProviderSchema", schema.Diagnostics); err != nil {
		return nil, err
	}
	identities, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, err
	}
	if err := diagnosticsError("GetResourceIdentitySchemas", identities.Diagnostics); err != nil {
		return nil, err
	}

	out := &tfjson.ProviderSchema{
		ConfigSchema:             schemaJSON(schema.Provider),
		ResourceSchemas:          schemasJSON(schema.ResourceSchemas),
		DataSourceSchemas:        schemasJSON(schema.DataSourceSchemas),
		EphemeralResourceSchemas: schemasJSON(schema.EphemeralResourceSchemas),
		ListResourceSchemas:      schemasJSON(schema.ListResourceSchemas),
		ResourceIdentitySchemas:  map[string]*tfjson.IdentitySchema{},
		ActionSchemas:            map[string]*tfjson.ActionSchema{},
	}
	for name, s := range identities.IdentitySchemas {
		out.ResourceIdentitySchemas[name] = identityJSON(s)
	}
	for name, s := range schema.ActionSchemas {
		out.ActionSchemas[name] = &tfjson.ActionSchema{Block: schemaJSON(s.Schema).Block}
	}
	return &tfjson.ProviderSchemas{FormatVersion: formatVersion, Schemas: map[string]*tfjson.ProviderSchema{name: out}}, nil
}

func diagnosticsError(rpc string, diags []*tfprotov6.Diagnostic) error {
	var errs []error
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, fmt.Errorf("%s: %s: %s", rpc, d.Summary, d.Detail))
		}
	}
	return errors.Join(errs...)
}

func schemasJSON(schemas map[string]*tfprotov6.Schema) map[string]*tfjson.Schema {
	out := make(map[string]*tfjson.Schema, len(schemas))
	for name, s := range schemas {
		out[name] = schemaJSON(s)
	}
	return out
}

func schemaJSON(s *tfprotov6.Schema) *tfjson.Schema {
	if s == nil {
		return &tfjson.Schema{Block: &tfjson.SchemaBlock{}}
	}
	return &tfjson.Schema{Version: uint64(s.Version), Block: blockJSON(s.Block)}
}

func blockJSON(b *tfprotov6.SchemaBlock) *tfjson.SchemaBlock {
	if b == nil {
		return &tfjson.SchemaBlock{}
	}
	out := &tfjson.SchemaBlock{
		Description:     b.Description,
		DescriptionKind: kindJSON(b.DescriptionKind),
		Deprecated:      b.Deprecated,
	}
	if len(b.Attributes) > 0 {
		out.Attributes = make(map[string]*tfjson.SchemaAttribute, len(b.Attributes))
		for _, a := range b.Attributes {
			out.Attributes[a.Name] = attributeJSON(a)
		}
	}
	if len(b.BlockTypes) > 0 {
		out.NestedBlocks = make(map[string]*tfjson.SchemaBlockType, len(b.BlockTypes))
		for _, nb := range b.BlockTypes {
			out.NestedBlocks[nb.TypeName] = &tfjson.SchemaBlockType{
				NestingMode: blockNestingJSON[nb.Nesting],
				Block:       blockJSON(nb.Block),
				MinItems:    uint64(nb.MinItems),
				MaxItems:    uint64(nb.MaxItems),
			}
		}
	}
	return out
}

func attributeJSON(a *tfprotov6.SchemaAttribute) *tfjson.SchemaAttribute {
	out := &tfjson.SchemaAttribute{
		Description:     a.Description,
		DescriptionKind: kindJSON(a.DescriptionKind),
		Deprecated:      a.Deprecated,
		Required:        a.Required,
		Optional:        a.Optional,
		Computed:        a.Computed,
		Sensitive:       a.Sensitive,
		WriteOnly:       a.WriteOnly,
	}
	if a.Type != nil {
		out.AttributeType = ctyType(a.Type)
	}
	if o := a.NestedType; o != nil {
		nested := &tfjson.SchemaNestedAttributeType{
			Attributes:  make(map[string]*tfjson.SchemaAttribute, len(o.Attributes)),
			NestingMode: objectNestingJSON[o.Nesting],
		}
		for _, na := range o.Attributes {
			nested.Attributes[na.Name] = attributeJSON(na)
		}
		out.AttributeNestedType = nested
	}
	return out
}

func identityJSON(s *tfprotov6.ResourceIdentitySchema) *tfjson.IdentitySchema {
	out := &tfjson.IdentitySchema{Version: uint64(s.Version), Attributes: map[string]*tfjson.IdentityAttribute{}}
	for _, a := range s.IdentityAttributes {
		out.Attributes[a.Name] = &tfjson.IdentityAttribute{
			IdentityType:      ctyType(a.Type),
			Description:       a.Description,
			RequiredForImport: a.RequiredForImport,
			OptionalForImport: a.OptionalForImport,
		}
	}
	return out
}

// ctyType converts a type of the plugin protocol to the same cty type.
func ctyType(t tftypes.Type) cty.Type {
	switch {
	case t.Is(tftypes.String):
		return cty.String
	case t.Is(tftypes.Number):
		return cty.Number
	case t.Is(tftypes.Bool):
		return cty.Bool
	case t.Is(tftypes.DynamicPseudoType):
		return cty.DynamicPseudoType
	}
	switch t := t.(type) {
	case tftypes.List:
		return cty.List(ctyType(t.ElementType))
	case tftypes.Set:
		return cty.Set(ctyType(t.ElementType))
	case tftypes.Map:
		return cty.Map(ctyType(t.ElementType))
	case tftypes.Tuple:
		elems := make([]cty.Type, len(t.ElementTypes))
		for i, e := range t.ElementTypes {
			elems[i] = ctyType(e)
		}
		return cty.Tuple(elems)
	case tftypes.Object:
		attrs := make(map[string]cty.Type, len(t.AttributeTypes))
		for name, at := range t.AttributeTypes {
			attrs[name] = ctyType(at)
		}
		if len(t.OptionalAttributes) == 0 {
			return cty.Object(attrs)
		}
		optional := make([]string, 0, len(t.OptionalAttributes))
		for name := range t.OptionalAttributes {
			optional = append(optional, name)
		}
		return cty.ObjectWithOptionalAttrs(attrs, optional)
	}
	panic(fmt.Sprintf("providerschema: no cty type for %s", t))
}

func kindJSON(k tfprotov6.StringKind) tfjson.SchemaDescriptionKind {
	if k == tfprotov6.StringKindMarkdown {
		return tfjson.SchemaDescriptionKindMarkdown
	}
	return tfjson.SchemaDescriptionKindPlain
}

var blockNestingJSON = map[tfprotov6.SchemaNestedBlockNestingMode]tfjson.SchemaNestingMode{
	tfprotov6.SchemaNestedBlockNestingModeSingle: tfjson.SchemaNestingModeSingle,
	tfprotov6.SchemaNestedBlockNestingModeGroup:  tfjson.SchemaNestingModeGroup,
	tfprotov6.SchemaNestedBlockNestingModeList:   tfjson.SchemaNestingModeList,
	tfprotov6.SchemaNestedBlockNestingModeSet:    tfjson.SchemaNestingModeSet,
	tfprotov6.SchemaNestedBlockNestingModeMap:    tfjson.SchemaNestingModeMap,
}

var objectNestingJSON = map[tfprotov6.SchemaObjectNestingMode]tfjson.SchemaNestingMode{
	tfprotov6.SchemaObjectNestingModeSingle: tfjson.SchemaNestingModeSingle,
	tfprotov6.SchemaObjectNestingModeList:   tfjson.SchemaNestingModeList,
	tfprotov6.SchemaObjectNestingModeSet:    tfjson.SchemaNestingModeSet,
	tfprotov6.SchemaObjectNestingModeMap:    tfjson.SchemaNestingModeMap,
}
