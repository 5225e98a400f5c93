package sheet

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestReadsWhatOfficesSave(t *testing.T) {
	want := &Table{Header: []string{"学号", "姓名"}, Rows: [][]string{{"2023001", "张三"}, {"2023002", "李四"}}, Lines: []int{2, 4}}
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String("学号,姓名\r\n2023001, 张三 \r\n,\r\n2023002,李四\r\n")
	require.NoError(t, err)
	var xlsx bytes.Buffer
	require.NoError(t, WriteXLSX(&xlsx, "名单", []string{"学号", "姓名"}, [][]string{{"2023001", "张三"}, {"", ""}, {"2023002", "李四"}}))
	var csvOut bytes.Buffer
	require.NoError(t, WriteCSV(&csvOut, []string{"学号", "姓名"}, [][]string{{"2023001", "张三"}, {"", ""}, {"2023002", "李四"}}))
	for name, file := range map[string][]byte{
		"Excel's CSV on a Chinese Windows (GB18030)": []byte(gbk),
		"UTF-8 with a byte-order mark":               csvOut.Bytes(),
		"tab-separated, pasted from a sheet":         []byte("学号\t姓名\n2023001\t张三\n\t\n2023002\t李四\n"),
		".xlsx":                                      xlsx.Bytes(),
	} {
		got, err := Read(bytes.NewReader(file))
		require.NoError(t, err, name)
		require.Equal(t, want, got, name)
	}
}

func TestRefusesWhatItCannotRead(t *testing.T) {
	for name, file := range map[string][]byte{
		"Excel 97-2003":         {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1},
		"empty":                 nil,
		"a zip that is no xlsx": []byte("PK\x03\x04 not really a workbook"),
		"unbalanced quotes":     []byte("学号,姓名\n\"2023001,张三\n"),
	} {
		_, err := Read(bytes.NewReader(file))
		var p *Problem
		require.ErrorAs(t, err, &p, name)
		require.NotEmpty(t, p.Message, name)
	}
}

func TestColumnsByAnyOfTheirNames(t *testing.T) {
	table := &Table{Header: []string{"工号", "姓名", "备注"}}
	at := table.Columns([][]string{{"学号/工号", "学号", "工号"}, {"姓名"}, {"学院"}})
	require.Equal(t, map[string]int{"学号/工号": 0, "姓名": 1, "学院": -1}, at)
	require.Equal(t, "", Cell([]string{"a"}, 3))
	require.Equal(t, "", Cell([]string{"a"}, -1))
}

// TestRefusesAWorkbookThatUnpacksTooFar: a valid workbook whose sheet unpacks past MaxUnzipped (a
// few hundred kilobytes of upload) is refused instead of being expanded in memory.
func TestRefusesAWorkbookThatUnpacksTooFar(t *testing.T) {
	var small bytes.Buffer
	require.NoError(t, WriteXLSX(&small, "名单", []string{"学号", "姓名"}, [][]string{{"2023001", "张三"}}))
	zr, err := zip.NewReader(bytes.NewReader(small.Bytes()), int64(small.Len()))
	require.NoError(t, err)
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	for _, f := range zr.File {
		r, err := f.Open()
		require.NoError(t, err)
		content, err := io.ReadAll(r)
		require.NoError(t, err)
		w, err := zw.Create(f.Name)
		require.NoError(t, err)
		if strings.HasPrefix(f.Name, "xl/worksheets/") {
			// Whitespace inside the sheet: still valid XML, and it compresses a thousandfold.
			end := bytes.LastIndex(content, []byte("</worksheet>"))
			_, err = w.Write(content[:end])
			require.NoError(t, err)
			_, err = w.Write(bytes.Repeat([]byte(" "), MaxUnzipped+1<<20))
			require.NoError(t, err)
			content = content[end:]
		}
		_, err = w.Write(content)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	require.Less(t, bomb.Len(), 1<<20, "the upload itself is small")
	_, err = Read(bytes.NewReader(bomb.Bytes()))
	var p *Problem
	require.ErrorAs(t, err, &p)
}
