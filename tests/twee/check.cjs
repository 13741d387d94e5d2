// Parse a Twee 3 file the way Twine tools do (extwee), check it, and compile it to
// Twine 2 HTML. Usage: node tests/twee/check.cjs <book.twee>
// Prints one JSON object: story name, IFID, start, format, passage names, links to
// passages that do not exist, and the size of the compiled Twine 2 HTML.
const fs = require("fs");
const extwee = require("extwee");

const story = extwee.parseTwee(fs.readFileSync(process.argv[2], "utf8"));
const names = new Set(story.passages.map((p) => p.name));
const broken = [];
for (const p of story.passages) {
  for (const m of p.text.matchAll(/\[\[([^\]]*)\]\]/g)) {
    const target = m[1].includes("|") ? m[1].split("|").pop() : m[1];
    if (!names.has(target)) broken.push(`${p.name} -> ${target}`);
  }
}
// A stand-in story format: compiling proves the story data is complete for Twine 2.
const format = new extwee.StoryFormat("SugarCube", "2.37.3", "", "", "", "", "", false, "<html>{{STORY_NAME}}{{STORY_DATA}}</html>");
const html = extwee.compileTwine2HTML(story, format);
console.log(JSON.stringify({
  name: story.name,
  ifid: story.IFID,
  start: story.start,
  format: story.format,
  formatVersion: story.formatVersion,
  passages: [...names].sort(),
  broken,
  compiled: html.length,
}));
