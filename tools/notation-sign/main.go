// notation-sign signs an image in a registry the way `notation sign` does, with the Notary
// Project's own library (notation-go): test tooling for Portcullis, whose Notation verifier
// is tested against signatures this program makes. The `notation` CLI module is not served
// by the Go module proxy Portcullis is built with; its library is.
//
//	notation-sign --key leaf.key --cert chain.pem [--envelope jws|cose] [--signing-time RFC3339] HOST/REPO@sha256:…
//
// The signature is pushed as an OCI referrer of the image. Where the registry has no
// referrers API (Debian's docker-registry 2.8), oras-go keeps the `sha256-<hex>` tag index
// of the referrers tag schema instead; --tag-schema forces that schema even where the API exists.
package main

import (
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/notaryproject/notation-core-go/signature"
	"github.com/notaryproject/notation-core-go/signature/cose"
	"github.com/notaryproject/notation-core-go/signature/jws"
	"github.com/notaryproject/notation-go"
	notationregistry "github.com/notaryproject/notation-go/registry"
	"github.com/notaryproject/notation-go/signer"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/registry/remote"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "notation-sign:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	flags := flag.NewFlagSet("notation-sign", flag.ContinueOnError)
	keyPath := flags.String("key", "", "PEM private key of the signing certificate")
	certPath := flags.String("cert", "", "PEM certificate chain, leaf first (the root may be left out)")
	envelope := flags.String("envelope", "jws", "signature envelope: jws or cose")
	signingTime := flags.String("signing-time", "", "RFC 3339 signing time (default now); lets a test sign in a past window a certificate was valid for")
	plainHTTP := flags.Bool("plain-http", false, "speak plain HTTP (implied for 127.0.0.1 and localhost)")
	tagSchema := flags.Bool("tag-schema", false, "keep the sha256-<hex> referrers tag index even if the registry has the referrers API")
	version := flags.Bool("version", false, "print the version and the notation-go it is built on")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *version {
		fmt.Println("notation-sign 1 (github.com/notaryproject/notation-go v1.3.2)")
		return nil
	}
	if flags.NArg() != 1 || *keyPath == "" || *certPath == "" {
		return errors.New("usage: notation-sign --key KEY --cert CHAIN [--envelope jws|cose] [--signing-time RFC3339] [--plain-http] [--tag-schema] HOST/REPO@DIGEST")
	}
	reference := flags.Arg(0)
	mediaType, ok := map[string]string{"jws": jws.MediaTypeEnvelope, "cose": cose.MediaTypeEnvelope}[*envelope]
	if !ok {
		return fmt.Errorf("--envelope %q: expected jws or cose", *envelope)
	}

	var sign notation.Signer
	if *signingTime == "" {
		s, err := signer.NewFromFiles(*keyPath, *certPath)
		if err != nil {
			return err
		}
		sign = s
	} else {
		at, err := time.Parse(time.RFC3339, *signingTime)
		if err != nil {
			return fmt.Errorf("--signing-time: %w", err)
		}
		s, err := newPastSigner(*keyPath, *certPath, at)
		if err != nil {
			return err
		}
		sign = s
	}

	repo, err := remote.NewRepository(reference)
	if err != nil {
		return err
	}
	repo.PlainHTTP = *plainHTTP || isLoopback(repo.Reference.Registry)
	if *tagSchema {
		if err := repo.SetReferrersCapability(false); err != nil {
			return err
		}
	}
	target, err := notation.Sign(context.Background(), sign, notationregistry.NewRepository(repo), notation.SignOptions{
		SignerSignOptions: notation.SignerSignOptions{SignatureMediaType: mediaType},
		ArtifactReference: reference,
	})
	if err != nil {
		return err
	}
	fmt.Println(target.Digest.String())
	return nil
}

func isLoopback(registry string) bool {
	host := registry
	if h, _, err := net.SplitHostPort(registry); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// pastSigner is signer.GenericSigner with the signing time given rather than now: the
// library signs only with a certificate valid at the signing time, so a signature by a
// certificate that has since expired (the real case: signed last year, expired since) can
// only be made by signing "last year". The envelope and its checks are still notation-core-go's.
type pastSigner struct {
	signer signature.Signer
	at     time.Time
}

func newPastSigner(keyPath, certPath string, at time.Time) (*pastSigner, error) {
	pair, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return nil, err
	}
	certs, err := readCertificates(certPath)
	if err != nil {
		return nil, err
	}
	local, err := signature.NewLocalSigner(certs, pair.PrivateKey.(crypto.PrivateKey))
	if err != nil {
		return nil, err
	}
	return &pastSigner{signer: local, at: at}, nil
}

func (s *pastSigner) Sign(ctx context.Context, desc ocispec.Descriptor, opts notation.SignerSignOptions) ([]byte, *signature.SignerInfo, error) {
	// The Notary payload: the target artifact's descriptor, as notation-go's envelope.Payload writes it.
	payload, err := json.Marshal(map[string]any{"targetArtifact": ocispec.Descriptor{
		MediaType: desc.MediaType, Digest: desc.Digest, Size: desc.Size, Annotations: desc.Annotations,
	}})
	if err != nil {
		return nil, nil, err
	}
	request := (&signature.SignRequest{
		Payload:       signature.Payload{ContentType: "application/vnd.cncf.notary.payload.v1+json", Content: payload},
		Signer:        s.signer,
		SigningTime:   s.at,
		SigningScheme: signature.SigningSchemeX509,
		SigningAgent:  "portcullis-notation-sign",
	}).WithContext(ctx)
	envelope, err := signature.NewEnvelope(opts.SignatureMediaType)
	if err != nil {
		return nil, nil, err
	}
	blob, err := envelope.Sign(request)
	if err != nil {
		return nil, nil, err
	}
	content, err := envelope.Verify()
	if err != nil {
		return nil, nil, err
	}
	return blob, &content.SignerInfo, nil
}

func readCertificates(path string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var certs []*x509.Certificate
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	return certs, nil
}
