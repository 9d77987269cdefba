package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"delegate/handlers"
	"delegate/mailer"
	"delegate/store"
	"delegate/testtool"
)

// smallDisk mounts a tmpfs of size on a temporary folder, for a disk that
// fills up. It needs root: skipped with a message elsewhere, failing in CI
// (which runs as root).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput()
	if err != nil {
		testtool.Missing(t, fmt.Sprintf("a small tmpfs (%v %s)", err, out), "mount needs root, as CI runs")
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// TestDiskFullIsToldPlainly fills a small disk with registrations: when it
// is full a registration gets a 503 saying nothing was saved, /healthz
// reports the failed write, reads go on, and every acknowledged
// registration is there.
func TestDiskFullIsToldPlainly(t *testing.T) {
	t.Parallel()
	dir := smallDisk(t, "3m")
	filler := filepath.Join(dir, "filler")
	if err := os.WriteFile(filler, make([]byte, 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	composer, _ := mailer.NewComposer("https://iclc.example.org")
	db, err := store.Open(context.Background(), filepath.Join(dir, "full.db"), store.Options{Secret: bytes.Repeat([]byte{4}, 32),
		Composer: composer, PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	h, err := handlers.New(handlers.Deps{DB: db, BaseURL: "https://iclc.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	acked := 0
	var full *httptest.ResponseRecorder
	for i := 0; i < 20000 && full == nil; i++ {
		body := fmt.Sprintf(`{"given_names":"Ана","family_name":"Коваленко %s","email":"d%d@example.ua","organisation":"Kyiv","job_title":"Officer","country":"UA","category":"member_state","consent_privacy":true,"accessibility":"%s"}`,
			strings.Repeat("x", 50), i, strings.Repeat("y", 400))
		switch rec := do("POST", "/api/v1/registrations?lang=en", body); rec.Code {
		case http.StatusCreated:
			acked++
		case http.StatusServiceUnavailable:
			full = rec
		default:
			t.Fatalf("registration %d: %d %s", i, rec.Code, rec.Body.String())
		}
	}
	if full == nil {
		t.Fatal("the disk never filled")
	}
	if !strings.Contains(full.Body.String(), "nothing was saved") || full.Header().Get("Retry-After") == "" {
		t.Errorf("the full disk's answer: %s", full.Body.String())
	}
	if rec := do("GET", "/healthz", ""); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("/healthz on a full disk: %d, want 503", rec.Code)
	}
	list, total, err := db.FindRegistrations(context.Background(), store.Filter{})
	if err != nil || total != acked || len(list) != acked {
		t.Errorf("after the disk filled: %d found (%v), %d acknowledged", total, err, acked)
	}
	// room again: the service recovers by itself, with the next write
	// (or half a minute after the last failure, without one)
	os.Remove(filler)
	if rec := do("POST", "/api/v1/registrations", `{"given_names":"Ана","family_name":"Коваленко","email":"again@example.ua","organisation":"Kyiv","job_title":"Officer","country":"UA","category":"member_state","consent_privacy":true}`); rec.Code != http.StatusCreated {
		t.Errorf("a registration with room again: %d", rec.Code)
	}
	if rec := do("GET", "/healthz", ""); rec.Code != http.StatusOK {
		t.Errorf("/healthz with room again: %d", rec.Code)
	}
}
