// Inline PDF previews (pdf.js, vendored under vendor/pdfjs): every .pdf-viewer draws its pages and
// says how many there are. A viewer inside a closed <details> waits until it is opened.
const MAX_PAGES = 30; // a long annex is downloaded, not drawn

let pdfjs = null; // loaded on pages that show a PDF only

async function draw(viewer) {
  if (viewer.dataset.state) {
    return;
  }
  viewer.dataset.state = "loading";
  const count = viewer.querySelector(".pdf-count");
  const pages = viewer.querySelector(".pdf-pages");
  try {
    if (pdfjs === null) {
      pdfjs = await import("./vendor/pdfjs/pdf.min.js");
      pdfjs.GlobalWorkerOptions.workerSrc = new URL("./vendor/pdfjs/pdf.worker.min.js", import.meta.url).href;
    }
    const pdf = await pdfjs.getDocument({ url: viewer.dataset.pdfSrc }).promise;
    viewer.dataset.pages = String(pdf.numPages);
    count.textContent = viewer.dataset.pagesLabel.replace("{n}", pdf.numPages);
    const width = Math.max(pages.clientWidth, 280);
    for (let number = 1; number <= Math.min(pdf.numPages, MAX_PAGES); number += 1) {
      const page = await pdf.getPage(number);
      const scale = width / page.getViewport({ scale: 1 }).width;
      const viewport = page.getViewport({ scale: scale * (window.devicePixelRatio || 1) });
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", viewer.dataset.pageLabel.replace("{n}", number));
      pages.append(canvas);
      await page.render({ canvas, viewport }).promise;
    }
    viewer.dataset.state = "ready";
  } catch (error) {
    viewer.dataset.state = "error";
    count.textContent = viewer.dataset.errorLabel;
    console.error("pdf preview", error);
  }
}

for (const viewer of document.querySelectorAll(".pdf-viewer")) {
  const closed = viewer.closest("details:not([open])");
  if (closed) {
    closed.addEventListener("toggle", () => closed.open && draw(viewer));
  } else {
    draw(viewer);
  }
}
