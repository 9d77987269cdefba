package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"delegate/testtool"
)

// TestDeployFiles tries the production set-up the README gives as a new
// user would: the systemd units pass systemd-analyze verify (with the
// binaries where the units say), the Caddyfile passes caddy validate and
// the nginx configuration nginx -t (with a certificate where it says).
func TestDeployFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	t.Run("systemd", func(t *testing.T) {
		analyze := testtool.Command(t, "apt-get install systemd", "systemd-analyze")
		for _, unit := range []string{"delegate.service", "litestream.service"} {
			text, err := os.ReadFile(filepath.Join("docs", "deploy", unit))
			if err != nil {
				t.Fatal(err)
			}
			// the binaries where the units say they are
			local := strings.NewReplacer("/usr/local/bin/delegate", os.Args[0], "/usr/local/bin/litestream", "/bin/true").Replace(string(text))
			path := filepath.Join(dir, unit)
			os.WriteFile(path, []byte(local), 0o644)
			out, err := exec.Command(analyze, "verify", "--man=no", path).CombinedOutput()
			if err != nil || bytes.Contains(out, []byte("nknown")) || bytes.Contains(out, []byte("rror")) {
				t.Errorf("systemd-analyze verify %s: %v\n%s", unit, err, out)
			}
		}
	})
	t.Run("caddy", func(t *testing.T) {
		caddy := testtool.Command(t, "apt-get install caddy", "caddy")
		cmd := exec.Command(caddy, "validate", "--config", filepath.Join("docs", "deploy", "Caddyfile"), "--adapter", "caddyfile")
		cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil || !bytes.Contains(out, []byte("Valid configuration")) {
			t.Errorf("caddy validate: %v\n%s", err, out)
		}
	})
	t.Run("nginx", func(t *testing.T) {
		nginx := testtool.Command(t, "apt-get install nginx", "nginx", "/usr/sbin/nginx")
		text, err := os.ReadFile(filepath.Join("docs", "deploy", "nginx.conf"))
		if err != nil {
			t.Fatal(err)
		}
		cert, key := selfSigned(t, dir)
		local := strings.NewReplacer("/etc/letsencrypt/live/register.iclc2015.example.org/fullchain.pem", cert,
			"/etc/letsencrypt/live/register.iclc2015.example.org/privkey.pem", key).Replace(string(text))
		conf := filepath.Join(dir, "nginx.conf")
		os.WriteFile(conf, []byte(local), 0o644)
		out, err := exec.Command(nginx, "-t", "-q", "-e", "stderr", "-p", dir, "-c", conf, "-g", "pid "+filepath.Join(dir, "nginx.pid")+";").CombinedOutput()
		if err != nil {
			t.Errorf("nginx -t: %v\n%s", err, out)
		}
	})
}

// selfSigned writes a certificate and key for the example host into dir.
func selfSigned(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "register.iclc2015.example.org"},
		DNSNames: []string{"register.iclc2015.example.org"}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kd, _ := x509.MarshalECPrivateKey(k)
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kd}), 0o600)
	return cert, key
}

// TestLogFormat: DELEGATE_LOG_FORMAT=json writes JSON lines, at the level
// DELEGATE_LOG_LEVEL says; a word the server does not know stops it.
func TestLogFormat(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	log, err := newLogger(&b, environment(map[string]string{"DELEGATE_LOG_FORMAT": "json", "DELEGATE_LOG_LEVEL": "warn"}))
	if err != nil {
		t.Fatal(err)
	}
	log.Info("not shown")
	log.Warn("mail failed", "id", 7)
	var line map[string]any
	if err := json.Unmarshal(b.Bytes(), &line); err != nil || line["msg"] != "mail failed" || line["id"] != float64(7) {
		t.Errorf("json log: %v %q", err, b.String())
	}
	for _, vars := range []map[string]string{{"DELEGATE_LOG_FORMAT": "xml"}, {"DELEGATE_LOG_LEVEL": "loud"}} {
		if _, err := newLogger(&b, environment(vars)); err == nil {
			t.Errorf("%v was taken", vars)
		}
	}
}
