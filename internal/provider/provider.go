// Package provider is the Terraform side of the Zendesk provider: the
// provider configuration, the zendesk_user_identity resource and the
// zendesk_user_identities data source.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

var _ provider.Provider = (*zendeskProvider)(nil)

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
				MarkdownDescription: "OAuth access token with the `read` and `write` scopes. Environment variable: `ZENDESK_OAUTH_TOKEN`.",
				Optional:            true,
				Sensitive:           true,
			},
			attrMaxRetries: schema.Int64Attribute{
				MarkdownDescription: "How many times a failed request is sent again (429 and 503 answers after Zendesk's `Retry-After`; " +
					"other server errors and dropped connections for reads, updates and deletes). `0` disables retries. Default: `5`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
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
	cfg.Logger = newTFLogger(settings.secrets()...)
	if p.tuneClient != nil {
		p.tuneClient(&cfg)
	}
	client, err := zendesk.New(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Unable to create the Zendesk client", err.Error())
		return
	}
	data := &providerData{client: client, locks: newUserLocks()}
	resp.ResourceData = data
	resp.DataSourceData = data
}

func (p *zendeskProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newUserIdentityResource}
}

func (p *zendeskProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newUserIdentitiesDataSource}
}

// providerModel is the provider block.
type providerModel struct {
	URL        types.String `tfsdk:"url"`
	Subdomain  types.String `tfsdk:"subdomain"`
	Email      types.String `tfsdk:"email"`
	APIToken   types.String `tfsdk:"api_token"`
	OAuthToken types.String `tfsdk:"oauth_token"`
	MaxRetries types.Int64  `tfsdk:"max_retries"`
}
