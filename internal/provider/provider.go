// Package provider is the Terraform side of the Zendesk provider: the
// provider configuration, the zendesk_user_identity resource with its
// resource identity, list resource and verification action, and the
// zendesk_user_identities and zendesk_user data sources.
package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

var (
	_ provider.Provider                  = (*zendeskProvider)(nil)
	_ provider.ProviderWithListResources = (*zendeskProvider)(nil)
	_ provider.ProviderWithActions       = (*zendeskProvider)(nil)
)

// zendeskProvider is the provider "zendesk".
type zendeskProvider struct {
	version string
	// tuneClient, set by tests only, adjusts the client configuration
	// (shorter retry waits) before the client is built.
	tuneClient func(*zendesk.Config)
}

// New returns a constructor of the provider at version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &zendeskProvider{version: version}
	}
}

// providerData is what Configure hands to resources and data sources.
type providerData struct {
	client *zendesk.Client
	locks  *userLocks
}

// configuredData is what a resource or data source keeps of the provider's
// Configure: nil until the provider is configured (Terraform validates
// configurations before that).
func configuredData(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	d, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *providerData, got %T", data))
	}
	return d
}

func (p *zendeskProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "zendesk"
	resp.Version = p.version
}

func (p *zendeskProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages the identities (email addresses, phone numbers, social handles) of Zendesk users.",
		Attributes: map[string]schema.Attribute{
			attrURL: schema.StringAttribute{
				MarkdownDescription: "Base URL of the Zendesk account, such as `https://acme.zendesk.com`. Conflicts with `subdomain`. " +
					"Must use `https` (plain `http` is accepted only for loopback hosts, where a local test server runs). " +
					"Environment variable: `ZENDESK_URL`.",
				Optional: true,
			},
			attrSubdomain: schema.StringAttribute{
				MarkdownDescription: "Subdomain of the Zendesk account: `acme` stands for `https://acme.zendesk.com`. Conflicts with `url`. " +
					"Environment variable: `ZENDESK_SUBDOMAIN`.",
				Optional: true,
			},
			attrEmail: schema.StringAttribute{
				MarkdownDescription: "Email address of the agent or admin that owns `api_token`. Environment variable: `ZENDESK_EMAIL`.",
				Optional:            true,
			},
			attrAPIToken: schema.StringAttribute{
				MarkdownDescription: "Zendesk API token, used with `email`. Zendesk stops accepting API tokens on 2027-04-30: prefer OAuth. " +
					"Environment variable: `ZENDESK_API_TOKEN`.",
				Optional:  true,
				Sensitive: true,
			},
			attrOAuthToken: schema.StringAttribute{
				MarkdownDescription: "OAuth access token with the `read` and `write` scopes, used as it is: it is not renewed when it expires. " +
					"Environment variable: `ZENDESK_OAUTH_TOKEN`.",
				Optional:  true,
				Sensitive: true,
			},
			attrOAuthClientID: schema.StringAttribute{
				MarkdownDescription: "Unique identifier of an OAuth client of the account (Admin Center, **Apps and integrations**, **APIs**, " +
					"**OAuth clients**), used with `oauth_client_secret`: the provider exchanges them for access tokens and renews those " +
					"before they expire. Environment variable: `ZENDESK_OAUTH_CLIENT_ID`.",
				Optional: true,
			},
			attrOAuthClientSecret: schema.StringAttribute{
				MarkdownDescription: "Secret of the OAuth client named by `oauth_client_id`. Environment variable: `ZENDESK_OAUTH_CLIENT_SECRET`.",
				Optional:            true,
				Sensitive:           true,
			},
			attrOAuthScopes: schema.ListAttribute{
				MarkdownDescription: "Scopes of the access tokens obtained with `oauth_client_id` and `oauth_client_secret`. " +
					"The identities API needs the broad `read` and `write` scopes; it refuses tokens scoped only `users:read` or `users:write`. " +
					"Default: `[\"read\", \"write\"]`.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.NoNullValues(),
					listvalidator.ValueStringsAre(stringvalidator.RegexMatches(regexp.MustCompile(`^\S+$`),
						"must be one scope without spaces, such as read or write")),
				},
			},
			attrOAuthTokenLifetime: schema.Int64Attribute{
				MarkdownDescription: "Lifetime, in seconds, asked for each access token obtained with `oauth_client_id` and " +
					"`oauth_client_secret`: from `300` (5 minutes) to `172800` (2 days). A run that lasts longer renews its token. " +
					"Default: `3600`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(300, 172800)},
			},
			attrMaxRetries: schema.Int64Attribute{
				MarkdownDescription: "How many times a request that failed is sent again: after a server error or a dropped connection " +
					"for reads, updates and deletes, and after a connection that could not be made for any request. `0` disables these retries. " +
					"Answers that ask to wait for the rate limit (`429`, or `503` with `Retry-After`) are not failures and never use up " +
					"`max_retries`: the request waits and goes again, within `max_rate_limit_wait`. Default: `5`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			attrMaxRateLimitWait: schema.StringAttribute{
				MarkdownDescription: "The longest time one Terraform run may spend waiting for Zendesk's rate limit, in all: requests " +
					"held back because the account's budget is spent or being spread out, or because Zendesk answered `429` or `503` " +
					"with `Retry-After`, counted once however many wait at once. A request that would wait longer fails, saying so. " +
					"A duration such as `45m` or `2h`, from `0s` (never wait: fail at the first request the limit holds back) " +
					"to `24h`. Each single `Retry-After` is waited out up to 10 minutes. Default: `30m`, about 6,000 requests " +
					"beyond the first minute's at the Team plan's 200 a minute.",
				Optional:   true,
				Validators: []validator.String{durationBetween(0, 24*time.Hour)},
			},
		},
	}
}

func (p *zendeskProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings, diags := resolveSettings(config, osEnv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg := settings.clientConfig(p.version)
	// The same secrets are masked in the log and kept out of every error
	// the client builds from an answer, and so out of every diagnostic.
	cfg.Secrets = settings.secrets()
	cfg.Logger = newTFLogger(cfg.Secrets...)
	if p.tuneClient != nil {
		p.tuneClient(&cfg)
	}
	auth, err := settings.auth(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Unable to create the Zendesk client", err.Error())
		return
	}
	cfg.Auth = auth
	client, err := zendesk.New(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Unable to create the Zendesk client", err.Error())
		return
	}
	data := &providerData{client: client, locks: newUserLocks()}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
	resp.ActionData = data
}

func (p *zendeskProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newUserIdentityResource}
}

func (p *zendeskProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newUserIdentitiesDataSource, newUserDataSource}
}

// ListResources are served to Terraform 1.14 and later (terraform query).
func (p *zendeskProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{newUserIdentityListResource}
}

// Actions are served to Terraform 1.14 and later.
func (p *zendeskProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{newRequestVerificationAction}
}

// providerModel is the provider block.
type providerModel struct {
	URL        types.String `tfsdk:"url"`
	Subdomain  types.String `tfsdk:"subdomain"`
	Email      types.String `tfsdk:"email"`
	APIToken   types.String `tfsdk:"api_token"`
	OAuthToken types.String `tfsdk:"oauth_token"`
	// OAuth client credentials.
	OAuthClientID      types.String `tfsdk:"oauth_client_id"`
	OAuthClientSecret  types.String `tfsdk:"oauth_client_secret"`
	OAuthScopes        types.List   `tfsdk:"oauth_scopes"`
	OAuthTokenLifetime types.Int64  `tfsdk:"oauth_token_lifetime"`
	MaxRetries         types.Int64  `tfsdk:"max_retries"`
	MaxRateLimitWait   types.String `tfsdk:"max_rate_limit_wait"`
}
