package production

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// TemporalServerName is the name in the Temporal server's certificate, as the compose service's.
const TemporalServerName = "temporal"

// TLSFiles are the PEM files of the layout's mutual TLS between Outbound and Temporal: one CA signs
// the server's certificate (frontend and internode) and the clients'.
type TLSFiles struct {
	CA, ServerCert, ServerKey, ClientCert, ClientKey string
}

// makeCertificates writes a CA, the server's and Outbound's client certificate under dir, as a
// university's own CA (or cert-manager) would issue them.
func makeCertificates(dir string) (*TLSFiles, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Outbound test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	f := &TLSFiles{CA: filepath.Join(dir, "ca.pem")}
	if err := writePEM(f.CA, "CERTIFICATE", caDER); err != nil {
		return nil, err
	}
	issue := func(serial int64, name string, usage []x509.ExtKeyUsage, certPath, keyPath string) error {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return err
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: usage,
			DNSNames: []string{name, "localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
		if err != nil {
			return err
		}
		keyDER, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return err
		}
		if err := writePEM(certPath, "CERTIFICATE", der); err != nil {
			return err
		}
		return writePEM(keyPath, "PRIVATE KEY", keyDER)
	}
	f.ServerCert, f.ServerKey = filepath.Join(dir, "server.pem"), filepath.Join(dir, "server-key.pem")
	f.ClientCert, f.ClientKey = filepath.Join(dir, "outbound.pem"), filepath.Join(dir, "outbound-key.pem")
	// The server's certificate is also what its own services present to each other.
	if err := issue(2, TemporalServerName, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}, f.ServerCert, f.ServerKey); err != nil {
		return nil, err
	}
	if err := issue(3, "outbound", []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, f.ClientCert, f.ClientKey); err != nil {
		return nil, err
	}
	return f, nil
}

func writePEM(path, kind string, der []byte) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600)
}

// serverTLSEnv configures the server image's template (config/docker.yaml) for mutual TLS on the
// frontend and between its services.
func (f *TLSFiles) serverTLSEnv() []string {
	return []string{"TEMPORAL_TLS_REQUIRE_CLIENT_AUTH=true",
		"TEMPORAL_TLS_SERVER_CA_CERT=" + f.CA, "TEMPORAL_TLS_SERVER_CERT=" + f.ServerCert, "TEMPORAL_TLS_SERVER_KEY=" + f.ServerKey,
		"TEMPORAL_TLS_FRONTEND_CERT=" + f.ServerCert, "TEMPORAL_TLS_FRONTEND_KEY=" + f.ServerKey,
		"TEMPORAL_TLS_CLIENT1_CA_CERT=" + f.CA, "TEMPORAL_TLS_CLIENT2_CA_CERT=" + f.CA,
		"TEMPORAL_TLS_INTERNODE_SERVER_NAME=" + TemporalServerName, "TEMPORAL_TLS_FRONTEND_SERVER_NAME=" + TemporalServerName}
}

// outboundTLSEnv is what Outbound's processes are told to present and to trust.
func (f *TLSFiles) outboundTLSEnv() []string {
	return []string{"OUTBOUND_TEMPORAL_TLS_CERT=" + f.ClientCert, "OUTBOUND_TEMPORAL_TLS_KEY=" + f.ClientKey,
		"OUTBOUND_TEMPORAL_TLS_CA=" + f.CA, "OUTBOUND_TEMPORAL_TLS_SERVER_NAME=" + TemporalServerName}
}
