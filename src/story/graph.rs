//! Plain graph algorithms over the story: reachability ignoring gates and strongly
//! connected components (iterative, so 10,000-section chains do not overflow the stack).

use super::Story;

/// Sections reachable from `start` following every choice, gates ignored.
pub fn reachable_ignoring_gates(story: &Story, start: usize) -> Vec<bool> {
    let mut seen = vec![false; story.sections.len()];
    let mut stack = vec![start];
    seen[start] = true;
    while let Some(s) = stack.pop() {
        for c in &story.sections[s].choices {
            if let Some(t) = c.target
                && !seen[t]
            {
                seen[t] = true;
                stack.push(t);
            }
        }
    }
    seen
}

/// Strongly connected components (Tarjan, iterative). Returns the component of each
/// section; components are numbered in reverse topological order (a component's
/// successors have smaller numbers).
pub fn components(story: &Story) -> Vec<usize> {
    let n = story.sections.len();
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut comp = vec![UNSEEN; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut next_index = 0;
    let mut next_comp = 0;
    let succ = |v: usize| {
        story.sections[v]
            .choices
            .iter()
            .filter_map(|c| c.target)
            .collect::<Vec<_>>()
    };
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        let mut call: Vec<(usize, Vec<usize>, usize)> = vec![(root, succ(root), 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some((v, children, pos)) = call.last_mut() {
            let v = *v;
            if *pos < children.len() {
                let w = children[*pos];
                *pos += 1;
                if index[w] == UNSEEN {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, succ(w), 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                call.pop();
                if let Some((parent, _, _)) = call.last() {
                    low[*parent] = low[*parent].min(low[v]);
                }
                if low[v] == index[v] {
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp[w] = next_comp;
                        if w == v {
                            break;
                        }
                    }
                    next_comp += 1;
                }
            }
        }
    }
    comp
}

/// Whether section `s` lies on a cycle (a non-trivial component, or a self-loop).
pub fn on_cycle(story: &Story, comp: &[usize], s: usize) -> bool {
    story.sections[s]
        .choices
        .iter()
        .any(|c| c.target == Some(s))
        || comp
            .iter()
            .enumerate()
            .any(|(i, &c)| i != s && c == comp[s])
}
