package server

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"

	"go.temporal.io/sdk/client"

	"outbound/config"
)

// connectionOptions are how every Outbound process reaches the Temporal frontend: plain gRPC, or
// mutual TLS when a client certificate is configured (the frontend then knows its callers).
func connectionOptions(cfg config.TemporalConfig) (client.ConnectionOptions, error) {
	if cfg.TLSCert == "" {
		return client.ConnectionOptions{}, nil
	}
	cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return client.ConnectionOptions{}, fmt.Errorf("temporal.tls_cert/tls_key: %w", err)
	}
	tc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, ServerName: cfg.TLSServerName}
	if tc.ServerName == "" {
		tc.ServerName, _, _ = net.SplitHostPort(cfg.Address)
	}
	if cfg.TLSCA != "" {
		pem, err := os.ReadFile(cfg.TLSCA)
		if err != nil {
			return client.ConnectionOptions{}, fmt.Errorf("temporal.tls_ca: %w", err)
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return client.ConnectionOptions{}, fmt.Errorf("temporal.tls_ca: %s holds no PEM certificate", cfg.TLSCA)
		}
	}
	return client.ConnectionOptions{TLS: tc}, nil
}
