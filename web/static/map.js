// The map page: regions drawn from the bot's own boundaries file and coloured by the classes the
// server computed (/map/data), the reports with a location as clustered points that open the
// report. No tiles: it draws with no internet. Region names come from the page's own table,
// which is in the moderator's language.
(function () {
  var box = document.getElementById("map");
  if (!box || !window.L) { return; }
  var CITIES = ["astana", "almaty_city", "shymkent"];
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
    // The three cities are a few pixels wide at the country's zoom: each also gets a disc in its
    // colour class, so the busiest places are seen at a glance.
    regions.eachLayer(function (layer) {
      var code = layer.feature.properties.region;
      if (CITIES.indexOf(code) < 0) { return; }
      var found = data.regions[code] || {count: 0, level: 0};
      L.circleMarker(layer.getBounds().getCenter(), {radius: 9, weight: 1, className: "region city city-" + code + " level-" + found.level})
        .bindTooltip((names[code] || code) + ": " + found.count).addTo(map);
    });
    // Clustered down to street level (zoom 13), where each point stands alone: fewer zoom levels
    // to cluster 5,000 points over (most of the page's time with 50,000 reports, BENCHMARKS.md).
    var cluster = L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 40, disableClusteringAtZoom: 13});
    data.points.forEach(function (point) {  // [reference, latitude, longitude, urgent]
      var ref = point[0];
      var marker = L.circleMarker([point[1], point[2]], {
        radius: 8, weight: 2, className: "point point-" + ref + (point[3] ? " urgent" : "")
      });
      marker.bindTooltip(ref);
      marker.on("click", function () { window.location.assign(box.getAttribute("data-report") + ref); });
      cluster.addLayer(marker);
    });
    map.addLayer(cluster);
    box.setAttribute("data-ready", "1");
    if (window.performance && performance.mark) { performance.mark("map-ready"); }  // bench.map_groups reads it
    if (window.performance && performance.mark) { performance.mark("map-ready"); }  // bench.map_groups reads it
  }).catch(function () {
    box.setAttribute("data-ready", "failed");
  });
})();
