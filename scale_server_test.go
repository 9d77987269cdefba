package main

// The scale benchmark's servers: the binary built once, the demo
// databases kept between runs, a server on a copy of one, and what the
// benchmark asks it and reads of it.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// scaleGet fetches path as the signed-in organiser (the API with the
// token) and fails on anything but 200.
func scaleGet(tb testing.TB, s *scaleServer, path string) []byte {
	req, _ := http.NewRequest("GET", s.base+path, nil)
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	resp, err := s.client.Do(req)
	return scaleRead(tb, path, resp, err)
}

// scaleRead reads the answer to path and fails on anything but 200.
func scaleRead(tb testing.TB, path string, resp *http.Response, err error) []byte {
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		tb.Fatalf("%s: %d %v\n%.300s", path, resp.StatusCode, err, body)
	}
	return body
}

// scalePost posts a form as the organiser and returns the path it ends
// at, after any redirect.
func scalePost(tb testing.TB, s *scaleServer, path string, form url.Values) string {
	resp, err := s.client.PostForm(s.base+path, form)
	scaleRead(tb, path, resp, err)
	return resp.Request.URL.Path
}

// buildDelegate builds the binary once for the run.
func buildDelegate(tb testing.TB) string {
	bin := filepath.Join(scaleDir(tb), "delegate")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// scaleDir is where the databases are kept between runs.
func scaleDir(tb testing.TB) string {
	dir := filepath.Join(os.TempDir(), "delegate-scale")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		tb.Fatal(err)
	}
	return dir
}

const scalePassword = "correct horse battery staple"

// scaleDB is a database of n demo registrations with an admin and an API
// token, made with the binary unless one for this schema and demo exists.
func scaleDB(tb testing.TB, bin string, n int) string {
	h := sha256.New()
	for _, pattern := range []string{"store/migrations/*.sql", "demo/*.go"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			data, _ := os.ReadFile(f)
			h.Write(data)
		}
	}
	path := filepath.Join(scaleDir(tb), fmt.Sprintf("%d-%s.db", n, hex.EncodeToString(h.Sum(nil))[:12]))
	if _, err := os.Stat(path + ".token"); err == nil {
		return path
	}
	tmp := path + ".new"
	for _, suffix := range []string{"", "-wal", "-shm", ".key"} {
		os.Remove(tmp + suffix)
	}
	t0 := time.Now()
	delegate(tb, bin, nil, "demo", "--db", tmp, "--registrations", strconv.Itoa(n), "--capacity", strconv.Itoa(2*n), "--seed", "2015")
	tb.Logf("demo of %d registrations made in %s", n, time.Since(t0).Round(time.Second))
	delegate(tb, bin, strings.NewReader(scalePassword+"\n"), "user", "add", "--db", tmp, "--email", "admin@uil.example", "--role", "admin")
	token := delegate(tb, bin, nil, "token", "create", "--db", tmp, "--name", "scale", "--role", "admin")
	for _, suffix := range []string{"", ".key"} {
		if err := os.Rename(tmp+suffix, path+suffix); err != nil {
			tb.Fatal(err)
		}
	}
	if err := os.WriteFile(path+".token", bytes.TrimSpace(token), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// delegate runs the binary with args and returns what it printed.
func delegate(tb testing.TB, bin string, stdin io.Reader, args ...string) []byte {
	cmd := exec.Command(bin, args...)
	cmd.Stdin = stdin
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		tb.Fatalf("delegate %v: %v\n%s", args, err, errOut.String())
	}
	return out.Bytes()
}

// startScale serves a copy of the database at path and signs in.
func startScale(tb testing.TB, bin, path string) *scaleServer {
	dir := tb.TempDir()
	db := filepath.Join(dir, "scale.db")
	for _, suffix := range []string{"", ".key"} {
		data, err := os.ReadFile(path + suffix)
		if err != nil {
			tb.Fatal(err)
		}
		if err := writeSynced(db+suffix, data); err != nil {
			tb.Fatal(err)
		}
	}
	token, _ := os.ReadFile(path + ".token")
	s := &scaleServer{token: string(token), bin: bin, db: db}
	s.serve(tb, "")
	jar, _ := cookiejar.New(nil)
	s.client = &http.Client{Jar: jar, Timeout: 5 * time.Minute}
	resp, err := s.client.PostForm(s.base+"/admin/login", url.Values{"email": {"admin@uil.example"}, "password": {scalePassword}})
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasSuffix(resp.Request.URL.Path, "/admin") {
		tb.Fatalf("sign-in to the scale server: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	return s
}

// serve starts the server on its database, sending mail to smtpURL (none
// when empty).
func (s *scaleServer) serve(tb testing.TB, smtpURL string) {
	cmd := exec.Command(s.bin, "serve", "--db", s.db, "--addr", "127.0.0.1:0", "--rate-limit", "0")
	cmd.Env = append(os.Environ(), "DELEGATE_SMTP_URL="+smtpURL)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	s.pid = cmd.Process.Pid
	var once sync.Once
	s.stop = func() { once.Do(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }) }
	tb.Cleanup(s.stop)
	lines := bufio.NewScanner(stdout)
	s.base = ""
	for lines.Scan() {
		if m := regexp.MustCompile(`serving (http://\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			s.base = m[1]
			break
		}
	}
	go io.Copy(io.Discard, stdout)
	if s.base == "" {
		tb.Fatal("the scale server did not start")
	}
}

// resetPeak sets the process's peak resident size back to its current one.
func resetPeak(pid int) { os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) }

// peakRSS is the process's peak resident size in kB (VmHWM), 0 where the
// system does not say.
func peakRSS(pid int) int64 {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// writeSynced writes a file and syncs it to the disk: a copy left in the
// page cache would be flushed by the server's first checkpoint (its fsync
// takes the whole file with it), a stall no database in service has.
func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}
