package provider

import (
	"context"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// The protocol tests talk to the provider the way Terraform does, RPC by
// RPC, without a Terraform CLI: they cover what the CLI on the test machine
// may be too old to run (resource identity needs Terraform 1.12, list
// resources and actions 1.14).

// protocolEnv is a provider server configured against its own fake.
type protocolEnv struct {
	t      *testing.T
	ctx    context.Context
	fake   *zendesktest.Server
	server protocolServer
	schema *tfprotov6.GetProviderSchemaResponse
}

// protocolServer is every RPC the provider serves.
type protocolServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
}

// unknown stands for an unknown value in the maps given to tfValue.
type unknownValue struct{}

var unknown = unknownValue{}

func newProtocolEnv(t *testing.T, opts zendesktest.Options) *protocolEnv {
	t.Helper()
	served, err := providerserver.NewProtocol6WithError(&zendeskProvider{version: "test", tuneClient: fastRetries})()
	if err != nil {
		t.Fatal(err)
	}
	server, ok := served.(protocolServer)
	if !ok {
		t.Fatalf("the provider server %T does not serve list resources and actions", served)
	}
	e := &protocolEnv{t: t, ctx: t.Context(), fake: zendesktest.NewTest(t, opts), server: server}
	e.schema, err = server.GetProviderSchema(e.ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	requireNoErrors(t, "GetProviderSchema", e.schema.Diagnostics)
	configured, err := server.ConfigureProvider(e.ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.15.0",
		Config: e.dynamic(e.schema.Provider.ValueType(), map[string]any{
			"url": e.fake.URL(), "email": zendesktest.DefaultEmail, "api_token": zendesktest.DefaultAPIToken,
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	requireNoErrors(t, "ConfigureProvider", configured.Diagnostics)
	return e
}

// resourceType is the object type of zendesk_user_identity's state.
func (e *protocolEnv) resourceType() tftypes.Type {
	return e.schema.ResourceSchemas["zendesk_user_identity"].ValueType()
}

// identityType is the object type of zendesk_user_identity's identity.
func (e *protocolEnv) identityType() tftypes.Type {
	e.t.Helper()
	resp, err := e.server.GetResourceIdentitySchemas(e.ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.IdentitySchemas["zendesk_user_identity"].ValueType()
}

// identityData wraps a resource identity for a request.
func (e *protocolEnv) identityData(userID, id int64) *tfprotov6.ResourceIdentityData {
	return &tfprotov6.ResourceIdentityData{IdentityData: e.dynamic(e.identityType(), map[string]any{"user_id": userID, "id": id})}
}

// dynamic encodes values (attribute name → Go value) as an object of typ;
// attributes left out are null, and nil values a null object.
func (e *protocolEnv) dynamic(typ tftypes.Type, values map[string]any) *tfprotov6.DynamicValue {
	e.t.Helper()
	v := tftypes.NewValue(typ, nil)
	if values != nil {
		v = tfValue(e.t, typ, values)
	}
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		e.t.Fatal(err)
	}
	return &dv
}

// tfValue converts v to a value of typ: nil is null, unknown is unknown,
// maps are objects, slices are lists or sets, and Go numbers, strings and
// bools are primitives.
func tfValue(t *testing.T, typ tftypes.Type, v any) tftypes.Value {
	t.Helper()
	switch v.(type) {
	case nil:
		return tftypes.NewValue(typ, nil)
	case unknownValue:
		return tftypes.NewValue(typ, tftypes.UnknownValue)
	}
	switch typ := typ.(type) {
	case tftypes.Object:
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%T given for an object", v)
		}
		attrs := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			attrs[name] = tfValue(t, at, m[name])
		}
		for name := range m {
			if _, ok := typ.AttributeTypes[name]; !ok {
				t.Fatalf("no attribute %q in %s", name, typ)
			}
		}
		return tftypes.NewValue(typ, attrs)
	case tftypes.List:
		return collectionValue(t, typ, typ.ElementType, v)
	case tftypes.Set:
		return collectionValue(t, typ, typ.ElementType, v)
	}
	switch x := v.(type) {
	case int:
		return tftypes.NewValue(typ, big.NewFloat(float64(x)))
	case int64:
		return tftypes.NewValue(typ, new(big.Float).SetInt64(x))
	default:
		return tftypes.NewValue(typ, x)
	}
}

// collectionValue converts a slice to a list or set of typ.
func collectionValue(t *testing.T, typ, elem tftypes.Type, v any) tftypes.Value {
	t.Helper()
	rv := reflect.ValueOf(v)
	elems := make([]tftypes.Value, rv.Len())
	for i := range elems {
		elems[i] = tfValue(t, elem, rv.Index(i).Interface())
	}
	return tftypes.NewValue(typ, elems)
}

// decode turns a dynamic value of typ into Go values: objects are
// map[string]any, lists []any, numbers int64, null nil, unknown unknown.
func (e *protocolEnv) decode(typ tftypes.Type, dv *tfprotov6.DynamicValue) map[string]any {
	e.t.Helper()
	if dv == nil {
		e.t.Fatal("no value")
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		e.t.Fatal(err)
	}
	m, _ := goValue(e.t, v).(map[string]any)
	return m
}

func goValue(t *testing.T, v tftypes.Value) any {
	t.Helper()
	switch {
	case !v.IsKnown():
		return unknown
	case v.IsNull():
		return nil
	}
	var err error
	var out any
	switch typ := v.Type(); {
	case typ.Is(tftypes.Object{}):
		var attrs map[string]tftypes.Value
		err = v.As(&attrs)
		m := map[string]any{}
		for k, a := range attrs {
			m[k] = goValue(t, a)
		}
		out = m
	case typ.Is(tftypes.List{}) || typ.Is(tftypes.Set{}):
		var elems []tftypes.Value
		err = v.As(&elems)
		l := []any{}
		for _, el := range elems {
			l = append(l, goValue(t, el))
		}
		out = l
	case typ.Is(tftypes.Number):
		var f big.Float
		err = v.As(&f)
		n, _ := f.Int64()
		out = n
	case typ.Is(tftypes.String):
		var s string
		err = v.As(&s)
		out = s
	case typ.Is(tftypes.Bool):
		var b bool
		err = v.As(&b)
		out = b
	default:
		t.Fatalf("unexpected type %s", typ)
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// errorsOf renders the error diagnostics, one a line.
func errorsOf(diags []*tfprotov6.Diagnostic) string {
	var lines []string
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			line := d.Summary + ": " + d.Detail
			if d.Attribute != nil {
				line = d.Attribute.String() + ": " + line
			}
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}

func requireNoErrors(t *testing.T, rpc string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	if errs := errorsOf(diags); errs != "" {
		t.Fatalf("%s: %s", rpc, errs)
	}
}

// requireError checks that diags hold exactly one error, whose summary and
// detail contain every fragment.
func requireError(t *testing.T, rpc string, diags []*tfprotov6.Diagnostic, fragments ...string) {
	t.Helper()
	errs, n := errorsOf(diags), 0
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%s: %d errors, want exactly one: %s", rpc, n, errs)
	}
	for _, f := range fragments {
		if !strings.Contains(errs, f) {
			t.Errorf("%s: error %q does not say %q", rpc, errs, f)
		}
	}
}

// requests checks the fake's request log since the last reset: exactly
// these routes, these many times each.
func (e *protocolEnv) requests(want map[zendesktest.Route]int) {
	e.t.Helper()
	got := map[zendesktest.Route]int{}
	for _, r := range e.fake.Requests() {
		got[r.Route]++
	}
	if !reflect.DeepEqual(got, want) && (len(got) > 0 || len(want) > 0) {
		e.t.Errorf("requests by route: %v, want %v", got, want)
	}
	e.fake.ResetRequests()
}

// stateOf is a zendesk_user_identity state as the provider records an
// identity the fake holds.
func stateOf(id zendesktest.Identity) map[string]any {
	return map[string]any{
		"id": fmt.Sprint(id.ID), "user_id": id.UserID, "type": id.Type, "value": id.Value,
		"primary": id.Primary, "verified": id.Verified,
	}
}
