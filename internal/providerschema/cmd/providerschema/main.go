// Command providerschema writes the provider's schemas as
// `terraform providers schema -json` does, for tfplugindocs
// --providers-schema, whatever the version of the Terraform on PATH:
//
//	go run ./internal/providerschema/cmd/providerschema -o schema.json
//
// make docs runs it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/provider"
	"github.com/tfzendesk/terraform-provider-zendesk/internal/providerschema"
)

func main() {
	out := flag.String("o", "", "file to write (default: standard output)")
	flag.Parse()
	log.SetFlags(0)

	server, err := providerserver.NewProtocol6WithError(provider.New("docs")())()
	if err != nil {
		log.Fatal(err)
	}
	// tfplugindocs finds the schema by the provider's short name.
	schemas, err := providerschema.Export(context.Background(), server, "zendesk")
	if err != nil {
		log.Fatal(err)
	}
	encoded, err := json.MarshalIndent(schemas, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	encoded = append(encoded, '\n')
	if *out == "" {
		_, err = os.Stdout.Write(encoded)
	} else {
		err = os.WriteFile(*out, encoded, 0o644)
	}
	if err != nil {
		log.Fatal(err)
	}
}
