package bench

import (
	"bufio"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// scrape reads a process's Prometheus /metrics into series → value ("name{labels}" as printed).
func scrape(url string) map[string]float64 {
	out := map[string]float64{}
	resp, err := http.Get(url)
	if err != nil {
		return out
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil {
			out[line[:i]] = v
		}
	}
	return out
}

// gather reads this process's own metrics as scrape reads another's.
func gather(g prometheus.Gatherer) map[string]float64 {
	srv := httptest.NewServer(promhttp.HandlerFor(g, promhttp.HandlerOpts{}))
	defer srv.Close()
	return scrape(srv.URL)
}

// meanBetween is the mean of a histogram's observations between two scrapes, over the series of
// the name whose labels contain every one of match.
func meanBetween(before, after map[string]float64, name string, match ...string) time.Duration {
	var sum, count float64
	for series, v := range after {
		base, labels, _ := strings.Cut(series, "{")
		if base != name+"_sum" && base != name+"_count" {
			continue
		}
		ok := true
		for _, m := range match {
			ok = ok && strings.Contains(labels, m)
		}
		if !ok {
			continue
		}
		if strings.HasSuffix(base, "_sum") {
			sum += v - before[series]
		} else {
			count += v - before[series]
		}
	}
	if count == 0 {
		return 0
	}
	return time.Duration(sum / count * float64(time.Second))
}

// bucketBound is the upper bound of the histogram bucket that holds the q quantile of the
// observations between two scrapes ("> the last bound" when it is past every bucket).
func bucketBound(before, after map[string]float64, name string, q float64, match ...string) string {
	counts := map[float64]float64{}
	for series, v := range after {
		base, labels, _ := strings.Cut(series, "{")
		if base != name+"_bucket" {
			continue
		}
		ok := true
		for _, m := range match {
			ok = ok && strings.Contains(labels, m)
		}
		_, le, found := strings.Cut(labels, `le="`)
		if !ok || !found {
			continue
		}
		bound, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSuffix(le, "}"), `"`), 64)
		if err != nil {
			continue
		}
		counts[bound] += v - before[series]
	}
	bounds := make([]float64, 0, len(counts))
	for b := range counts {
		bounds = append(bounds, b)
	}
	sort.Float64s(bounds)
	if len(bounds) == 0 || counts[bounds[len(bounds)-1]] == 0 {
		return "—"
	}
	total := counts[bounds[len(bounds)-1]]
	for i, b := range bounds {
		if counts[b] >= q*total {
			if math.IsInf(b, 1) {
				return fmt.Sprintf("> %gs", bounds[max(i-1, 0)])
			}
			return fmt.Sprintf("%gs", b)
		}
	}
	return "—"
}
