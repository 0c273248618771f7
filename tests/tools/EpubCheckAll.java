// EPUBCheck (Debian's epubcheck package) on many books in one Java process: its start and schemas cost seconds,
// so tests/test_epub.py runs this with `java -cp /usr/share/java/epubcheck.jar tests/tools/EpubCheckAll.java BOOK...`.
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.util.DefaultReportImpl;
import java.io.File;

/** Runs EPUBCheck on every book named on the command line in one JVM; one summary line per book. */
public class EpubCheckAll {
    public static void main(String[] args) {
        int bad = 0;
        for (String path : args) {
            DefaultReportImpl report = new DefaultReportImpl(path);
            new EpubCheck(new File(path), report).doValidate();
            int problems = report.getFatalErrorCount() + report.getErrorCount() + report.getWarningCount();
            System.out.println("checked " + path + ": " + report.getFatalErrorCount() + " fatal, " + report.getErrorCount()
                + " errors, " + report.getWarningCount() + " warnings");
            if (problems > 0) bad++;
        }
        System.exit(bad == 0 ? 0 : 1);
    }
}
