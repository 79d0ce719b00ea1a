// The map page: regions drawn from the bot's own boundaries file and coloured by the classes the
// server computed (/map/data), the reports with a location as clustered points that open the
// report. No tiles: it draws with no internet. Region names come from the page's own table,
// which is in the moderator's language.
(function () {
  var box = document.getElementById("map");
  if (!box || !window.L) { return; }
  var names = {};
  document.querySelectorAll("tr[data-region]").forEach(function (row) {
    names[row.getAttribute("data-region")] = row.querySelector("td").textContent.trim();
  });
  var map = L.map(box, {zoomSnap: 0.25, minZoom: 3, maxZoom: 16});
  map.fitBounds([[40.5, 46.5], [55.5, 87.5]]);
  function get(url) {
    return fetch(url, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    });
  }
  Promise.all([get(box.getAttribute("data-source")), get("/static/geo/kz-regions.geojson")]).then(function (both) {
    var data = both[0], shapes = both[1];
    var regions = L.geoJSON(shapes, {
      style: function (feature) {
        var code = feature.properties.region, found = data.regions[code] || {count: 0, level: 0};
        return {className: "region region-" + code + " level-" + found.level, weight: 1};
      },
      onEachFeature: function (feature, layer) {
        var code = feature.properties.region, found = data.regions[code] || {count: 0};
        layer.bindTooltip((names[code] || code) + ": " + found.count, {sticky: true});
      }
    }).addTo(map);
    map.fitBounds(regions.getBounds());
    var cluster = L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 40});
    data.points.forEach(function (point) {
      var marker = L.circleMarker([point.lat, point.lon], {
        radius: 8, weight: 2, className: "point point-" + point.ref + (point.urgent ? " urgent" : "")
      });
      marker.bindTooltip(point.ref);
      marker.on("click", function () { window.location.assign(box.getAttribute("data-report") + point.ref); });
      cluster.addLayer(marker);
    });
    map.addLayer(cluster);
    box.setAttribute("data-ready", "1");
  }).catch(function () {
    box.setAttribute("data-ready", "failed");
  });
})();
