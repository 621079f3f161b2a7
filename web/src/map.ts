// Maps in the console: a pin picker on the filing page, a small map of a complaint's location, and
// the public complaints on the board.
//
// A map is shown only when /config.json names a tile source (config().map_tiles) AND one probe
// tile of Lampung actually loads; otherwise nothing is added and the page works as before (address
// and typed or device coordinates). The probe is made once per page load and its answer kept.
// Leaflet (and its CSS, bundled by Vite, no CDN) is loaded only after the probe succeeds, so a
// console without tiles never fetches it.
/// <reference types="vite/client" />
import type * as Leaflet from "leaflet";
import { config, MapTiles } from "./config";
import { Lang, t } from "./i18n";

/** Lampung: the view the picker opens on (the whole province, roughly, at zoom 8). */
export const LAMPUNG_CENTRE: [number, number] = [-5.0, 105.0];
export const LAMPUNG_ZOOM = 8;
const PROBE_TIMEOUT_MS = 8000;

/** A tile URL from a {z}/{x}/{y} template ({s} → "a", {r} → ""). */
export function tileUrl(template: string, z: number, x: number, y: number): string {
  return template.replace("{s}", "a").replace("{r}", "").replace("{z}", String(z))
    .replace("{x}", String(x)).replace("{y}", String(y));
}

/** The slippy-map tile (x, y) that holds a point at zoom z. */
export function tileOf(lat: number, lon: number, z: number): [number, number] {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  const x = Math.floor(((lon + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return [x, y];
}

let probe: Promise<MapTiles | null> | null = null;

/** The tile source when tiles are configured and the probe tile (the one the picker opens on)
 * loads; null otherwise. Never throws and never logs: a failed probe just means "no map". */
export function tilesReady(): Promise<MapTiles | null> {
  if (probe) return probe;
  const tiles = config().map_tiles;
  if (!tiles || typeof tiles.url !== "string" || !tiles.url) return (probe = Promise.resolve(null));
  probe = new Promise(resolve => {
    const [x, y] = tileOf(LAMPUNG_CENTRE[0], LAMPUNG_CENTRE[1], LAMPUNG_ZOOM);
    const img = new Image();
    const timer = setTimeout(() => resolve(null), PROBE_TIMEOUT_MS);
    img.onload = () => { clearTimeout(timer); resolve(img.naturalWidth > 0 ? tiles : null); };
    img.onerror = () => { clearTimeout(timer); resolve(null); };
    img.src = tileUrl(tiles.url, LAMPUNG_ZOOM, x, y);
  });
  return probe;
}

type MapView = { centre: [number, number]; zoom: number } | { bounds: [number, number][] };

let leaflet: Promise<typeof Leaflet> | null = null;
function loadLeaflet(): Promise<typeof Leaflet> {
  if (!leaflet) {
    leaflet = Promise.all([import("leaflet"), import("leaflet/dist/leaflet.css")])
      .then(([mod]) => ((mod as unknown as { default?: typeof Leaflet }).default ?? mod) as typeof Leaflet);
  }
  return leaflet;
}

// Maps whose page was replaced are removed (Leaflet keeps a window resize listener per map).
const live: Leaflet.Map[] = [];
function forgetDetached(): void {
  for (let i = live.length - 1; i >= 0; i--) {
    if (!live[i].getContainer().isConnected) { live[i].remove(); live.splice(i, 1); }
  }
}

/** `view`: a centre and zoom, or bounds to fit (at most zoom 14) — set before the tiles are
 * added, so no tile of another view is asked for and then dropped. */
function baseMap(L: typeof Leaflet, el: HTMLElement, tiles: MapTiles, lang: Lang, view: MapView): Leaflet.Map {
  forgetDetached();
  const texts = t(lang).map;
  const map = L.map(el, { zoomControl: false, attributionControl: true });
  if ("bounds" in view) map.fitBounds(L.latLngBounds(view.bounds).pad(0.2), { maxZoom: 14 });
  else map.setView(view.centre, view.zoom);
  L.control.zoom({ zoomInTitle: texts.zoomIn, zoomOutTitle: texts.zoomOut }).addTo(map);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  L.tileLayer(tiles.url, { attribution: tiles.attribution || "", maxZoom: 19, subdomains: "abc" }).addTo(map);
  live.push(map);
  return map;
}

function pinIcon(L: typeof Leaflet): Leaflet.DivIcon {
  return L.divIcon({ className: "map-pin", html: '<span class="map-pin-head" aria-hidden="true"></span>', iconSize: [28, 28], iconAnchor: [14, 28] });
}

const fixed = (n: number) => n.toFixed(6);
function valid(lat: number, lon: number): boolean {
  return Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}

/** Under the latitude/longitude fields: a map whose click/tap sets the pin and fills the fields;
 * typing coordinates (or "use my location", which fires `input`) moves the pin. Keyboard: the map
 * takes the focus (arrows pan, +/- zoom, Enter drops the pin at the centre); the pin is a button
 * in the tab order that arrows move. Resolves to whether a map was shown. */
export async function pinPicker(holder: HTMLElement, lat: HTMLInputElement, lon: HTMLInputElement, lang: Lang): Promise<boolean> {
  const tiles = await tilesReady();
  if (!tiles || !holder.isConnected) return false;
  const L = await loadLeaflet();
  if (!holder.isConnected) return false;
  const texts = t(lang).map;
  const el = document.createElement("div");
  el.className = "map map-picker";
  el.id = "complaint-map";
  const hint = document.createElement("p");
  hint.className = "hint";
  hint.id = "complaint-map-hint";
  hint.textContent = texts.pickerHint;
  holder.replaceChildren(hint, el);
  const map = baseMap(L, el, tiles, lang, { centre: LAMPUNG_CENTRE, zoom: LAMPUNG_ZOOM });
  el.setAttribute("role", "application");
  el.setAttribute("aria-label", texts.pickerLabel);
  el.setAttribute("aria-describedby", hint.id);

  let marker: Leaflet.Marker | null = null;
  const describe = () => {
    const icon = marker?.getElement();
    if (icon && marker) {
      const p = marker.getLatLng();
      icon.setAttribute("aria-label", texts.pinLabel(fixed(p.lat), fixed(p.lng)));
      icon.removeAttribute("title");
    }
  };
  const fill = (p: Leaflet.LatLng) => {
    lat.value = fixed(p.lat);
    lon.value = fixed(p.lng);
    describe();
  };
  const place = (p: Leaflet.LatLngExpression): Leaflet.Marker => {
    if (marker) { marker.setLatLng(p); describe(); return marker; }
    const m = L.marker(p, { icon: pinIcon(L), keyboard: true, draggable: true, autoPanOnFocus: true, title: texts.pinTitle });
    m.addTo(map);
    marker = m;
    m.on("dragend", () => fill(m.getLatLng()));
    const icon = m.getElement() as HTMLElement;
    icon.id = "complaint-pin";
    icon.addEventListener("keydown", (e: KeyboardEvent) => {
      const step = e.shiftKey ? 50 : 10;
      const delta: Record<string, [number, number]> = { ArrowUp: [0, -step], ArrowDown: [0, step], ArrowLeft: [-step, 0], ArrowRight: [step, 0] };
      const d = delta[e.key];
      if (!d) return;
      e.preventDefault();
      e.stopPropagation();                 // the map would pan instead
      const zoom = map.getZoom();              // world pixels: not thrown off by a pan under way
      const next = map.unproject(map.project(m.getLatLng(), zoom).add(L.point(d[0], d[1])), zoom);
      m.setLatLng(next);
      fill(next);
    });
    describe();
    return m;
  };

  map.on("click", (e: Leaflet.LeafletMouseEvent) => { place(e.latlng); fill(e.latlng); });
  el.addEventListener("keydown", (e: KeyboardEvent) => {
    if (e.target !== el || (e.key !== "Enter" && e.key !== " ")) return;
    e.preventDefault();
    const centre = map.getCenter();
    place(centre);
    fill(centre);
  });
  const fromFields = () => {
    const a = Number(lat.value), b = Number(lon.value);
    if (!lat.value.trim() || !lon.value.trim() || !valid(a, b)) {
      if (marker && (!lat.value.trim() || !lon.value.trim())) { marker.remove(); marker = null; }
      return;
    }
    place([a, b]);
    if (!map.getBounds().pad(-0.1).contains([a, b])) map.setView([a, b], Math.max(map.getZoom(), 13));
  };
  lat.addEventListener("input", fromFields);
  lon.addEventListener("input", fromFields);
  fromFields();
  return true;
}

/** A map region of its own in `holder` (shown, replacing what it held) once tiles and Leaflet are
 * there; null when they are not, or when the page moved on meanwhile. */
async function regionMap(holder: HTMLElement, className: string, id: string, label: string, lang: Lang,
  view: MapView): Promise<{ L: typeof Leaflet; map: Leaflet.Map } | null> {
  const tiles = await tilesReady();
  if (!tiles || !holder.isConnected) return null;
  const L = await loadLeaflet();
  if (!holder.isConnected) return null;
  const el = document.createElement("div");
  el.className = `map ${className}`;
  el.id = id;
  holder.replaceChildren(el);
  holder.hidden = false;
  const map = baseMap(L, el, tiles, lang, view);
  el.setAttribute("role", "region");
  el.setAttribute("aria-label", label);
  return { L, map };
}

/** A small map of a complaint's location, with its pin, on the complaint's page. */
export async function locationMap(holder: HTMLElement, lat: number, lon: number, lang: Lang): Promise<boolean> {
  if (!valid(lat, lon)) return false;
  const shown = await regionMap(holder, "map-small", "complaint-location-map",
    t(lang).map.viewLabel(fixed(lat), fixed(lon)), lang, { centre: [lat, lon], zoom: 15 });
  if (!shown) return false;
  shown.L.marker([lat, lon], { icon: pinIcon(shown.L), keyboard: false, interactive: false }).addTo(shown.map);
  return true;
}

/** A public complaint on the board's map: where, what it is called, and the page it leads to. */
export interface MapPoint { id: string; lat: number; lon: number; title: string; href: string }

/** The board's map of public complaints (those with coordinates): one pin each, a keyboard stop
 * (Tab) and a link to its tracking page (click or Enter). The list beside it stays the text
 * alternative. Resolves to whether a map was shown (none when no complaint has a point or tiles
 * do not load). */
export async function pointsMap(holder: HTMLElement, points: MapPoint[], lang: Lang): Promise<boolean> {
  const shown = points.filter(p => valid(p.lat, p.lon));
  if (!shown.length) return false;
  const texts = t(lang).map;
  const view: MapView = shown.length > 1 ? { bounds: shown.map(p => [p.lat, p.lon] as [number, number]) }
    : { centre: [shown[0].lat, shown[0].lon], zoom: 14 };
  const made = await regionMap(holder, "map-board", "public-map", texts.boardLabel(shown.length), lang, view);
  if (!made) return false;
  const { L, map } = made;
  for (const p of shown) {
    const m = L.marker([p.lat, p.lon], { icon: pinIcon(L), keyboard: true, title: texts.boardPin(p.title) }).addTo(map);
    const icon = m.getElement() as HTMLElement;
    icon.dataset.id = p.id;
    icon.setAttribute("aria-label", texts.boardPin(p.title));
    icon.removeAttribute("title");
    m.on("click", () => { location.hash = p.href; });
    icon.addEventListener("keydown", (e: KeyboardEvent) => {      // a button: Enter and Space
      if (e.key !== "Enter" && e.key !== " ") return;
      e.preventDefault();
      location.hash = p.href;
    });
  }
  return true;
}
