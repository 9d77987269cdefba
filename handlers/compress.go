package handlers

import (
	"compress/gzip"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// compress gzips the text the service sends (pages, JSON, CSV, CSS and
// scripts) to a client that accepts it; PDFs, images and XLSX (a zip
// already) go as they are. It decides at the first byte, by the
// response's Content-Type, so a stream (the CSV export) is compressed as
// it goes.
func compress(c *gin.Context) {
	if !acceptsGzip(c.Request.Header.Get("Accept-Encoding")) {
		c.Next()
		return
	}
	c.Writer.Header().Add("Vary", "Accept-Encoding")
	w := &gzipWriter{ResponseWriter: c.Writer}
	c.Writer = w
	c.Next()
	w.close() // not on a panic: the connection is cut then
}

// acceptsGzip reads an Accept-Encoding header: gzip, not refused by q=0.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// compressible are the types worth compressing.
var compressible = map[string]bool{"text/html": true, "text/plain": true, "text/csv": true, "text/css": true,
	"text/javascript": true, "application/javascript": true, "application/json": true, "image/svg+xml": true,
	"text/calendar": true}

var gzipWriters = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed); return w }}

// gzipWriter compresses what is written once the first write shows a
// compressible type.
type gzipWriter struct {
	gin.ResponseWriter
	decided bool
	gz      *gzip.Writer
}

func (w *gzipWriter) decide() {
	if w.decided {
		return
	}
	w.decided = true
	h := w.ResponseWriter.Header()
	ctype, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if !compressible[ctype] || h.Get("Content-Encoding") != "" || w.Status() == http.StatusNoContent || w.Written() {
		return
	}
	h.Set("Content-Encoding", "gzip")
	h.Del("Content-Length")
	w.gz = gzipWriters.Get().(*gzip.Writer)
	w.gz.Reset(w.ResponseWriter)
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	w.decide()
	if w.gz == nil {
		return w.ResponseWriter.Write(b)
	}
	return w.gz.Write(b)
}

func (w *gzipWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// Flush sends what is compressed so far.
func (w *gzipWriter) Flush() {
	if w.gz != nil {
		w.gz.Flush()
	}
	w.ResponseWriter.Flush()
}

func (w *gzipWriter) close() {
	if w.gz != nil {
		w.gz.Close()
		gzipWriters.Put(w.gz)
		w.gz = nil
	}
}
