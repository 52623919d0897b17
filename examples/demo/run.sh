#!/usr/bin/env bash
# Runs the demo: builds the provider and the fake Zendesk, starts the fake on
# a free loopback port, and takes examples/demo through apply, a plan with no
# changes, the data source's outputs, an import, and destroy.
#
# Everything it writes goes to one temporary directory, removed on exit:
# the builds, the Terraform CLI configuration (a dev_overrides block that
# points at the fresh build), the working directory and its state. Nothing
# is written to the repository or to $HOME.
#
# Usage: examples/demo/run.sh   (or: make demo)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
demo="$repo/examples/demo"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zendesk-demo.XXXXXX")
fake_pid=""
step=""

# Colours only on a terminal; the headings stay readable in a log.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	bold=$'\033[1m' green=$'\033[32m' red=$'\033[31m' reset=$'\033[0m'
	no_color=""
else
	bold="" green="" red="" reset=""
	no_color="-no-color"
fi

heading() {
	step=$1
	printf '\n%s==> %s%s\n' "$bold" "$1" "$reset"
	shift
	for line in "$@"; do
		printf '    %s\n' "$line"
	done
	echo
}

note() { printf '%s--> %s%s\n' "$green" "$1" "$reset"; }

fail() {
	printf '%sdemo failed: %s%s\n' "$red" "$1" "$reset" >&2
	exit 1
}

stop_fake() {
	if [ -n "$fake_pid" ] && kill -0 "$fake_pid" 2>/dev/null; then
		kill -TERM "$fake_pid" 2>/dev/null || true
		wait "$fake_pid" 2>/dev/null || true
	fi
	fake_pid=""
}

cleanup() {
	local status=$?
	set +e
	if [ "$status" -ge 128 ]; then
		printf '\n%sThe demo was interrupted in: %s%s\n' "$red" "${step:-start-up}" "$reset" >&2
	elif [ "$status" -ne 0 ]; then
		printf '\n%sThe demo failed (exit code %d) in: %s%s\n' "$red" "$status" "${step:-start-up}" "$reset" >&2
		if [ -s "$tmp/fake.log" ]; then
			echo "Last requests the fake Zendesk answered:" >&2
			tail -n 15 "$tmp/fake.log" >&2
		fi
	fi
	stop_fake
	exec 3<&-
	rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Terraform, configured by the environment below, with a home of its own so
# that nothing lands in the user's.
tf() {
	HOME="$tmp/home" terraform "$@"
}

for tool in go terraform; do
	command -v "$tool" >/dev/null || fail "$tool is not on PATH"
done

# Settings from the user's shell would conflict with the fake's credentials
# or change what the demo's commands do.
for name in $(compgen -e); do
	case "$name" in ZENDESK_* | TF_VAR_* | TF_CLI_ARGS* | TF_WORKSPACE) unset "$name" ;; esac
done

heading "Build the provider and the fake Zendesk"
mkdir -p "$tmp/plugins" "$tmp/home" "$tmp/work"
(cd "$repo" && go build -o "$tmp/plugins/terraform-provider-zendesk" .)
(cd "$repo" && go build -o "$tmp/zendesk-fake" ./internal/zendesktest/cmd/zendesk-fake)
note "built terraform-provider-zendesk and zendesk-fake"

heading "Start the fake Zendesk on a free loopback port"
# The fake prints its address, credentials and seeded users, then "ready".
# Reading its output through a FIFO waits exactly as long as start-up takes.
# It runs in a process group of its own (set -m), so that Ctrl-C reaches
# Terraform, which stops gracefully while the fake still answers; the exit
# trap stops the fake after that.
mkfifo "$tmp/fake.out"
set -m
"$tmp/zendesk-fake" -addr 127.0.0.1:0 -v >"$tmp/fake.out" 2>"$tmp/fake.log" &
fake_pid=$!
set +m
exec 3<"$tmp/fake.out"

ready=""
while IFS= read -r -t 30 line <&3; do
	case "$line" in
	ZENDESK_URL=* | ZENDESK_EMAIL=* | ZENDESK_API_TOKEN=*)
		export "${line?}"
		;;
	"user "*)
		read -r _ id email name <<<"$line"
		printf '    user %s  %-20s %s\n' "$id" "$email" "$name"
		;;
	ready)
		ready=yes
		break
		;;
	esac
done
if [ -z "$ready" ]; then
	cat "$tmp/fake.log" >&2
	fail "the fake Zendesk did not start within 30 seconds"
fi
for name in ZENDESK_URL ZENDESK_EMAIL ZENDESK_API_TOKEN; do
	[ -n "${!name:-}" ] || fail "the fake Zendesk did not announce $name"
done
note "serving at $ZENDESK_URL (pid $fake_pid)"
note "Terraform warns at every step that provider development overrides are in effect: that is this build"

# Point Terraform at the fresh build. dev_overrides need no terraform init.
cat >"$tmp/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/tfzendesk/zendesk" = "$tmp/plugins"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$tmp/terraformrc"
export TF_DATA_DIR="$tmp/work/.terraform"
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1

# Step 1 leaves out import.tf: the import is step 4.
cp "$demo/main.tf" "$tmp/work/"
cd "$tmp/work"

# plan_no_changes fails the demo unless the plan is empty.
plan_no_changes() {
	local rc=0
	tf plan -detailed-exitcode -compact-warnings $no_color || rc=$?
	case "$rc" in
	0) note "no changes: what Terraform planned is what Zendesk holds" ;;
	2) fail "the plan after apply shows changes" ;;
	*) fail "terraform plan failed (exit code $rc)" ;;
	esac
}

heading "Step 1/6: apply" \
	"zendesk_user finds Ana and Chloé by email address and Ben by his HR id (external_id): no" \
	"numeric ids in the configuration. Ana gets a work address, made primary (her sign-up" \
	"address stays, no longer primary), and a verified phone number; Ben a Twitter handle;" \
	"Chloé a forwarding number."
tf apply -auto-approve -compact-warnings $no_color

heading "Step 2/6: plan again" \
	"Nothing changed, so Terraform must find nothing to do. Ana is still found by her" \
	"sign-up address, which is no longer her primary one: any email address of a user will do."
plan_no_changes

heading "Step 3/6: the data sources" \
	"zendesk_user reports the users it found; zendesk_user_identities reads every identity" \
	"of a user, including those Terraform does not manage (Ben's phone and messaging identities)."
tf output $no_color

heading "Step 4/6: import an identity that existed before" \
	"Zendesk created ben@example.com with Ben's account. An import block" \
	"(import.tf) adopts it, found by its type and value; then plan again."
cp "$demo/import.tf" .
tf apply -auto-approve -compact-warnings $no_color
plan_no_changes

heading "Step 5/6: stop managing the imported address" \
	"Ben signs in with ben@example.com, and it was there before Terraform: destroying" \
	"the demo must not delete it. A removed block with destroy = false makes" \
	"Terraform forget it and leaves it in Zendesk."
rm import.tf
cp "$demo/removed/ben_email.tf" .
tf apply -auto-approve -compact-warnings $no_color
note "ben@example.com is no longer in the state, and still in Zendesk (ben_identities above)"

heading "Step 6/6: destroy" \
	"Deletes the four identities the demo created; what Zendesk made stays."
tf destroy -auto-approve -compact-warnings $no_color
[ -z "$(tf state list)" ] || fail "resources are left in the state after destroy"
note "the state is empty"

step=""
stop_fake
requests=$(awk '{ n[$3]++ } END { for (m in n) printf "%s %d, ", m, n[m] }' "$tmp/fake.log")
printf '\n%sDemo complete.%s The fake Zendesk answered %s requests (%s).\n' \
	"$bold" "$reset" "$(wc -l <"$tmp/fake.log" | tr -d ' ')" "${requests%, }"
echo "The fake Zendesk has stopped, and the temporary files are removed."
