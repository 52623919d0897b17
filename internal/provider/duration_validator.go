package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// durationBetween accepts a Go duration ("90s", "45m", "2h") from least to
// most, both included.
func durationBetween(least, most time.Duration) validator.String {
	return durationValidator{least: least, most: most}
}

type durationValidator struct{ least, most time.Duration }

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("a duration such as \"45m\" or \"2h\", from %s to %s", v.least, v.most)
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	d, err := time.ParseDuration(value)
	if err == nil && d >= v.least && d <= v.most {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
		fmt.Sprintf("%s is %q; it must be %s, written with the units h, m and s.", req.Path, value, v.Description(ctx)))
}
