package provider

import (
	"context"
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// Credentials only this test uses, so that a match in the log cannot be a
// coincidence.
const (
	traceAPIToken     = "trace-api-token-7f3a9c0e"
	traceOAuthToken   = "trace-oauth-token-51be20d4"
	traceClientID     = "trace-client"
	traceClientSecret = "trace-client-secret-9d04e1aa"
)

// headerRecorder is a transport that remembers every Authorization header
// the provider sent, to look for them in the log afterwards.
type headerRecorder struct {
	mu      sync.Mutex
	headers map[string]bool
}

func (h *headerRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if v := req.Header.Get("Authorization"); v != "" {
		h.mu.Lock()
		h.headers[v] = true
		h.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

func (h *headerRecorder) values() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for v := range h.headers {
		_, credential, _ := strings.Cut(v, " ")
		out = append(out, v, credential)
	}
	return out
}

// diagnosticRecorder keeps the summary and detail of every diagnostic the
// provider returns to Terraform.
type diagnosticRecorder struct {
	mu    sync.Mutex
	texts []string
}

func (r *diagnosticRecorder) add(diags []*tfprotov6.Diagnostic) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range diags {
		r.texts = append(r.texts, d.Summary+"\n"+d.Detail)
	}
}

func (r *diagnosticRecorder) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.texts, "\n\n")
}

// recordingServer passes every call to the provider and records the
// diagnostics of those that talk to Zendesk or check the configuration.
type recordingServer struct {
	tfprotov6.ProviderServer
	rec *diagnosticRecorder
}

func (s recordingServer) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	resp, err := s.ProviderServer.ValidateProviderConfig(ctx, req)
	if resp != nil {
		s.rec.add(resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	resp, err := s.ProviderServer.ConfigureProvider(ctx, req)
	if resp != nil {
		s.rec.add(resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	resp, err := s.ProviderServer.ValidateResourceConfig(ctx, req)
	if resp != nil {
		s.rec.add(resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.rec.add(resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		s.rec.add(resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		s.rec.add(resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	resp, err := s.ProviderServer.ReadDataSource(ctx, req)
	if resp != nil {
		s.rec.add(resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	resp, err := s.ProviderServer.ImportResourceState(ctx, req)
	if resp != nil {
		s.rec.add(resp.Diagnostics)
	}
	return resp, err
}

// No credential reaches Terraform's trace log or the provider's, whatever
// the way to authenticate: not the tokens, not the client secret, not an
// Authorization header or the base64 of email/token:api_token. The run
// creates, reads, updates and deletes an identity, has a 503 retried and
// an error reported, and no diagnostic echoes a credential either, not
// even the error of a proxy that echoes the request, Authorization header
// and all.
//
// terraform-plugin-testing sends Terraform's log (at the level of
// TF_ACC_LOG) and the in-process provider's (at TRACE) to TF_ACC_LOG_PATH;
// both are read from the process environment, so this test is not
// parallel.
func TestSecretsStayOutOfTraceLogs(t *testing.T) {
	clearZendeskEnv(t)
	for _, tc := range []struct {
		name string
		// setup registers the credentials with the fake and returns the
		// provider block and the secrets the test must not find.
		setup func(*testEnv) (string, []string)
	}{
		{
			name: "API token",
			setup: func(e *testEnv) (string, []string) {
				e.fake.AddAPIToken(zendesktest.DefaultEmail, traceAPIToken)
				raw := zendesktest.DefaultEmail + "/token:" + traceAPIToken
				return providerBlock(arg("url", e.fake.URL()), arg("email", zendesktest.DefaultEmail), arg("api_token", traceAPIToken)),
					[]string{
						traceAPIToken,
						base64.StdEncoding.EncodeToString([]byte(raw)),
						strings.TrimRight(base64.URLEncoding.EncodeToString([]byte(raw)), "="),
					}
			},
		},
		{
			name: "OAuth access token",
			setup: func(e *testEnv) (string, []string) {
				e.fake.AddOAuthToken(traceOAuthToken, "read write")
				return providerBlock(arg("url", e.fake.URL()), arg("oauth_token", traceOAuthToken)), []string{traceOAuthToken}
			},
		},
		{
			name: "OAuth client credentials",
			setup: func(e *testEnv) (string, []string) {
				e.fake.AddOAuthClient(traceClientID, traceClientSecret)
				return providerBlock(arg("url", e.fake.URL()), arg("oauth_client_id", traceClientID), arg("oauth_client_secret", traceClientSecret)),
					[]string{traceClientSecret}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logPath := filepath.Join(t.TempDir(), "trace.log")
			t.Setenv("TF_LOG", "TRACE")
			t.Setenv("TF_ACC_LOG", "TRACE")
			t.Setenv("TF_ACC_LOG_PATH", logPath)
			for _, name := range []string{"TF_LOG_PATH", "TF_LOG_PATH_MASK", "TF_LOG_CORE", "TF_LOG_PROVIDER"} {
				t.Setenv(name, "")
			}
			// The test harness logs each step's configuration, credentials
			// included; a user's run has no harness, only Terraform and the
			// provider.
			t.Setenv("TF_LOG_SDK_HELPER_RESOURCE", "OFF")

			env := newTestEnv(t, zendesktest.Options{})
			headers := &headerRecorder{headers: map[string]bool{}}
			env.tune = func(cfg *zendesk.Config) {
				fastRetries(cfg)
				cfg.HTTPClient = &http.Client{Transport: headers, Timeout: time.Minute}
			}
			diags := &diagnosticRecorder{}
			factories := map[string]func() (tfprotov6.ProviderServer, error){
				"zendesk": func() (tfprotov6.ProviderServer, error) {
					server, err := providerserver.NewProtocol6WithError(&zendeskProvider{version: "test", tuneClient: env.tune})()
					return recordingServer{ProviderServer: server, rec: diags}, err
				},
			}
			provider, secrets := tc.setup(env)
			ana, ben := env.user("Ana Lima"), env.user("Ben Okafor")

			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories,
				CheckDestroy:             env.checkDestroyed,
				Steps: []resource.TestStep{
					{
						PreConfig: func() {
							env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteCreate, Status: 503, RetryAfter: 1, Times: 1})
						},
						Config: provider + identityConfig("x", ana.ID, "email", "ana.trace@example.org") + identitiesData(ana.ID),
						Check: func(*terraform.State) error {
							return env.counts(map[zendesktest.Route]int{zendesktest.RouteCreate: 2})
						},
					},
					{
						Config: provider + identityConfig("x", ana.ID, "email", "ana.renamed@example.org") + identitiesData(ana.ID),
					},
					{
						Config: provider + identityConfig("x", ana.ID, "email", "ana.renamed@example.org") +
							identityConfig("taken", ben.ID, "email", "ana@example.com"),
						ExpectError: errorLike("Error creating Zendesk user identity", "HTTP 422", "DuplicateValue"),
					},
					{
						// The data source's list meets a proxy that echoes
						// the request; the echo is shown, its credentials
						// are not.
						PreConfig: func() {
							env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultEcho, Route: zendesktest.RouteList, Status: http.StatusBadRequest, Times: 1})
						},
						Config:      provider + identityConfig("x", ana.ID, "email", "ana.renamed@example.org") + identitiesData(ana.ID),
						ExpectError: errorLike("Error reading Zendesk user identities", "HTTP 400", "Authorization: <redacted>"),
					},
				},
			})

			raw, err := os.ReadFile(logPath)
			if err != nil {
				t.Fatalf("reading the trace log: %v", err)
			}
			trace := string(raw)
			if !strings.Contains(trace, "Terraform version") && !strings.Contains(trace, "OpenTofu version") {
				t.Errorf("the trace log (%d bytes) holds nothing of Terraform's (or OpenTofu's) own log", len(trace))
			}
			for _, want := range []string{
				"Zendesk request", // the provider's requests
				"Zendesk's rate limit held the request back", // the 503 with Retry-After
				"DuplicateValue",            // the error
				"Authorization: <redacted>", // the echo
			} {
				if !strings.Contains(trace, want) {
					t.Errorf("the trace log (%d bytes) does not mention %q", len(trace), want)
				}
			}
			if env.fake.CountStatus(http.StatusServiceUnavailable) != 1 {
				t.Errorf("the run did not meet its 503")
			}
			for _, want := range []string{"DuplicateValue", "Authorization: <redacted>"} {
				if !strings.Contains(diags.all(), want) {
					t.Errorf("the error diagnostic with %q was not recorded; got:\n%s", want, diags.all())
				}
			}
			forbidden := append(secrets, headers.values()...)
			if len(headers.values()) == 0 {
				t.Fatal("no Authorization header was recorded")
			}
			for _, secret := range forbidden {
				if secret == "" {
					continue
				}
				if i := strings.Index(trace, secret); i >= 0 {
					t.Errorf("the trace log holds a credential: %q", excerpt(trace, i, len(secret)))
				}
				if strings.Contains(diags.all(), secret) {
					t.Errorf("a diagnostic holds a credential:\n%s", diags.all())
				}
			}
		})
	}
}

// excerpt shows where in s a credential was found, without the credential.
func excerpt(s string, at, n int) string {
	from, to := max(at-80, 0), min(at+n+80, len(s))
	return s[from:at] + "<CREDENTIAL>" + s[at+n:to]
}
