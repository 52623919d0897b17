package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// tfLogger sends the client's log lines to Terraform's log (TF_LOG). The
// client logs no credentials; the masks are a second line of defence for
// any that a Zendesk answer might echo back.
type tfLogger struct {
	secrets []string
}

func newTFLogger(secrets ...string) tfLogger {
	return tfLogger{secrets: secrets}
}

func (l tfLogger) mask(ctx context.Context) context.Context {
	if len(l.secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskMessageStrings(ctx, l.secrets...)
	return tflog.MaskAllFieldValuesStrings(ctx, l.secrets...)
}

func (l tfLogger) Trace(ctx context.Context, msg string, fields map[string]any) {
	tflog.Trace(l.mask(ctx), msg, fields)
}

func (l tfLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l tfLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(l.mask(ctx), msg, fields)
}
